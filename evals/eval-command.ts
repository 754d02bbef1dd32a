import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBankIndex } from '../src/bank/bank-index.js';
import { loadBank } from '../src/bank/load-bank.js';
import { createJudge as defaultCreateJudge } from '../src/compose.js';
import { type Config, loadConfig } from '../src/config.js';
import { clientFromConfig } from '../src/judge/llm/configured-judge.js';
import { type BatchApi, createOpenAiBatchApi } from './batch/batch-api.js';
import { batchSummaryText, DEFAULT_BATCH_DISCOUNT, runBatchEval } from './batch/batch-eval.js';
import { ConfigError } from '../src/errors.js';
import { artifactFromReport, writeArtifact } from './calibration-fit.js';
import { parsePrice } from './cost.js';
import { parseColumnMapping } from './csv-input.js';
import { parseJudgeSpecs } from './matrix/judge-spec.js';
import { matrixText } from './matrix/matrix-text.js';
import { runMatrix } from './matrix/run-matrix.js';
import { parseScale } from './dataset.js';
import { fitJudgeCommand } from './fit-judge-command.js';
import { compareNames, nonNegativeInt, runCompare } from './compare-command.js';
import { checkGate, readGateFile } from './gate.js';
import { type CachedChat, CacheMissError, createCachedChat } from './llm-cache.js';
import type { ProgressStream } from './progress.js';
import type { EvalReport } from './report.js';
import { reportHtml } from './report-html.js';
import { type DatasetRun, runEval } from './run-eval.js';
import { summaryText } from './summary-text.js';
import { UsageError } from './usage-error.js';

export const USAGE = `usage: npm run eval -- --data FILE|DIR [options]
  --data FILE|DIR        labelled answers, JSONL or CSV with a header row (a folder: its .jsonl and .csv files)
  --columns MAP          CSV: which column fills which field, e.g. answer=student_answer,humanScore=grade,
                         raters=grader1|grader2 (a field not named is read from the column of its name)
  --judge embedded|llm   judge to evaluate (default: as the server picks it, from JUDGE and OPENAI_*)
  --judges LIST          grade with several judges and compare them in one report (matrix.json and .html):
                         comma-separated embedded, llm, llm:MODEL or llm:MODEL@PROMPT
  --scale MIN:MAX        scale of humanScore, mapped linearly onto 1..5 (default 1:5)
  --folds K              cross-validation folds, split by question (default 5)
  --concurrency N        items graded at once (default 8)
  --limit N              grade only the first N valid items
  --out DIR              where report.json and report.html go (default evals/out/<timestamp>)
  --items-jsonl          write the per-item rows to items.jsonl beside report.json instead of into it
                         (keeps report.json small on runs of tens of thousands of items)
  --cache DIR            LLM reply cache (default $EVAL_CACHE_DIR or evals/cache)
  --no-cache             no reply cache
  --replay               serve LLM replies from the cache only; a miss fails the run
  --price IN:OUT         USD per million input/output tokens, for the cost line
  --fit-calibration FILE fit the calibration on all items and write the artifact the server loads
  --fit-judge FILE       fit the embedded judge's weights on every --data (each with its own --scale, in
                         order) and write the model the judge loads; grades nothing
  --gate FILE            check the report against the thresholds in FILE; exit 1 if any fails
  --compare A B          grade with LLM judge prompt versions A and B and compare their agreement with the
                         humans (paired bootstrap); A and B are \`default\` or folders of prompts/judge/
  --bootstrap N          bootstrap resamples: of the report's 95% intervals (default 1000; they resample
                         questions) and of --compare's paired test (default 2000)
  --seed N               seed of the bootstrap (default 1)
  --batch                LLM judge: send every request through the provider's Batch API (files + batches) instead
                         of live calls; replies land in the reply cache, so a rerun costs no call
  --resume ID            --batch: wait for batch ID too (one already submitted); without it, the batches recorded
                         in <cache>/batch-state.json are resumed
  --no-wait              --batch: submit the batch and exit; rerun the same command later to collect it
  --batch-discount X     share of the list price the Batch API takes off, 0..1 (default 0.5)`;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_CACHE_DIR = join(ROOT, 'evals', 'cache');

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: ProgressStream;
}

export interface CommandDeps {
  /** The judge factory; the real one from src/compose.ts by default. */
  createJudge?: typeof defaultCreateJudge;
  /** `--batch`: the Batch API; by default over an SDK client with the judge's own settings. */
  batchApi?: (config: Config) => BatchApi;
  /** `--batch`: how status polls wait. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}


function positiveInt(name: string, v: string | undefined, fallback: number | null): number | null {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer (got "${v}")`);
  return n;
}

function fraction(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--${name} must be a number from 0 to 1 (got "${v}")`);
  return n;
}

/** The Batch API over the judge's own client: key, base URL, headers, timeout and retries. */
function defaultBatchApi(config: Config): BatchApi {
  return createOpenAiBatchApi(clientFromConfig(config));
}

/**
 * `npm run eval`: returns the exit code (0 ok, 1 run or gate failure, 2 bad usage or configuration).
 * Tables go to stdout, progress and problems to stderr.
 */
export async function runEvalCommand(argv: string[], env: Record<string, string | undefined>, io: CommandIo, deps: CommandDeps = {}): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);
  try {
    const { values: a, positionals } = parseArgs({
      args: argv,
      strict: true,
      // Only `--compare A B` takes a positional: its second name.
      allowPositionals: true,
      options: {
        data: { type: 'string', multiple: true },
        judge: { type: 'string' },
        judges: { type: 'string' },
        scale: { type: 'string', multiple: true },
        folds: { type: 'string' },
        concurrency: { type: 'string' },
        limit: { type: 'string' },
        out: { type: 'string' },
        cache: { type: 'string' },
        'no-cache': { type: 'boolean' },
        replay: { type: 'boolean' },
        price: { type: 'string' },
        'fit-calibration': { type: 'string' },
        'fit-judge': { type: 'string' },
        gate: { type: 'string' },
        compare: { type: 'string' },
        bootstrap: { type: 'string' },
        seed: { type: 'string' },
        columns: { type: 'string' },
        'items-jsonl': { type: 'boolean' },
        batch: { type: 'boolean' },
        resume: { type: 'string' },
        'no-wait': { type: 'boolean' },
        'batch-discount': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (a.help) return io.stdout(`${USAGE}\n`), 0;
    if (!a.data?.length) throw new UsageError('--data is required');
    if (a['fit-judge']) return fitJudgeCommand(a['fit-judge'], a.data, a.scale ?? [], env, io);
    if (a.data.length > 1) throw new UsageError('--data is given once (several only with --fit-judge)');
    if ((a.scale?.length ?? 0) > 1) throw new UsageError('--scale is given once (one per --data only with --fit-judge)');
    const data = a.data[0] ?? '';
    if (a.judge !== undefined && a.judge !== 'embedded' && a.judge !== 'llm') throw new UsageError(`--judge must be embedded or llm (got "${a.judge}")`);
    if (a.replay && a['no-cache']) throw new UsageError('--replay needs the cache; drop --no-cache');
    const compare = compareNames(a.compare, positionals, a);
    const folds = positiveInt('folds', a.folds, 5) ?? 5;
    if (folds < 2) throw new UsageError('--folds must be at least 2');
    const scale = a.scale?.[0] ? parseScale(a.scale[0]) : { min: 1, max: 5 };
    const price = a.price ? parsePrice(a.price) : null;
    const columns = a.columns ? parseColumnMapping(a.columns) : {};
    // Read the gate before grading, so a broken gate file does not cost a whole (possibly paid) run.
    const gate = a.gate ? readGateFile(a.gate) : null;

    const runEnv: Record<string, string | undefined> = { ...env, ...(a.judge ? { JUDGE: a.judge } : {}) };
    // A replay never reaches a provider, so CI needs none configured; this address is never called.
    if (a.replay && (a.judge === 'llm' || compare || /(^|,)\s*llm/.test(a.judges ?? '')) && !runEnv.OPENAI_API_KEY && !runEnv.OPENAI_BASE_URL) runEnv.OPENAI_BASE_URL = 'http://replay.invalid/v1';
    const config = loadConfig(runEnv);
    const bank = createBankIndex(loadBank(config.BANK_PATH));
    const cacheDir = a['no-cache'] ? null : (a.cache ?? config.EVAL_CACHE_DIR ?? DEFAULT_CACHE_DIR);
    // The dataset and its scoring, the same for a plain run, a matrix, a batch and a comparison.
    const run = {
      data,
      columns,
      bank,
      scale,
      folds,
      concurrency: positiveInt('concurrency', a.concurrency, 8) ?? 8,
      limit: positiveInt('limit', a.limit, null),
      price,
      bootstrap: { resamples: positiveInt('bootstrap', a.bootstrap, 1000) ?? 1000, seed: nonNegativeInt('seed', a.seed, 1) },
    } satisfies DatasetRun;
    if (a.judges !== undefined) {
      const clash = (['judge', 'compare', 'batch', 'gate', 'fit-calibration'] as const).find((o) => a[o] !== undefined);
      if (clash) throw new UsageError(`--${clash} does not go with --judges`);
      const specs = parseJudgeSpecs(a.judges);
      const out = a.out ?? join(ROOT, 'evals', 'out', `${(deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')}-matrix`);
      const matrix = await runMatrix({
        specs,
        env: runEnv,
        run,
        cacheDir,
        replay: a.replay ?? false,
        out,
        createJudge: deps.createJudge ?? defaultCreateJudge,
        stderr: io.stderr,
        now: deps.now?.() ?? new Date(),
      });
      io.stdout(`${matrixText(matrix)}\n\nmatrix: ${join(out, 'matrix.json')} and matrix.html, each judge's report beside them\n`);
      return 0;
    }
    if (a.batch) {
      if (compare) throw new UsageError('--batch and --compare cannot be combined yet; run --batch for each prompt version');
      if (!cacheDir) throw new UsageError('--batch keeps its replies in the reply cache; drop --no-cache');
      if (a.replay) throw new UsageError('--replay makes no provider call; drop --batch');
      const outcome = await runBatchEval({
        config,
        run,
        cacheDir,
        discount: fraction('batch-discount', a['batch-discount'], DEFAULT_BATCH_DISCOUNT),
        resume: a.resume ?? null,
        wait: !a['no-wait'],
        createJudge: deps.createJudge ?? defaultCreateJudge,
        api: (deps.batchApi ?? defaultBatchApi)(config),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        log: err,
        progress: io.stderr,
      });
      if (outcome.kind === 'submitted') {
        io.stdout(`batch ${outcome.batchId} submitted with ${outcome.requests} requests; rerun the same command to collect it\n`);
        return 0;
      }
      return finish(outcome.report, batchSummaryText(outcome.report.batch));
    }
    if (a.resume || a['no-wait'] || a['batch-discount']) throw new UsageError('--resume, --no-wait and --batch-discount go with --batch');
    if (compare) {
      await runCompare({
        names: compare,
        config,
        run,
        cacheDir,
        replay: a.replay ?? false,
        resamples: positiveInt('bootstrap', a.bootstrap, 2000) ?? 2000,
        seed: nonNegativeInt('seed', a.seed, 1),
        out: a.out ?? join(ROOT, 'evals', 'out', `${(deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')}-compare`),
        createJudge: deps.createJudge ?? defaultCreateJudge,
        stdout: io.stdout,
        stderr: io.stderr,
        now: deps.now?.() ?? new Date(),
      });
      return 0;
    }
    // Set by the factory only when the judge talks to an LLM.
    const wrapped: { chat: CachedChat | null } = { chat: null };
    const judge = (deps.createJudge ?? defaultCreateJudge)(config, {
      wrapChat: (inner) => (wrapped.chat = createCachedChat(inner, { dir: cacheDir, replay: a.replay ?? false })),
    });
    const { chat } = wrapped;
    err(`evaluating the ${judge.kind} judge ${judge.model} (${judge.promptVersion}) on ${data}${chat ? `, cache ${cacheDir ?? 'off'}${a.replay ? ' (replay)' : ''}` : ''}`);

    const report = await runEval({
      ...run,
      judge,
      llmStats: chat ? () => chat.stats() : null,
      cacheDir: chat ? cacheDir : null,
      replay: a.replay ?? false,
      progress: io.stderr,
    });
    return finish(report, null);

    function finish(report: EvalReport, extra: string | null): number {
      for (const l of report.invalidLines) err(`skipped ${l.source}: ${l.reason}`);
      if (report.skipped) err(`${report.skipped} invalid line(s) skipped; ${report.n + report.unscored.count} graded`);

      const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
      const out = a.out ?? join(ROOT, 'evals', 'out', stamp);
      mkdirSync(out, { recursive: true });
      if (a['items-jsonl']) {
        writeFileSync(join(out, 'items.jsonl'), report.items.map((i) => `${JSON.stringify(i)}\n`).join(''));
        writeFileSync(join(out, 'report.json'), `${JSON.stringify({ ...report, items: [], itemsFile: 'items.jsonl' }, null, 2)}\n`);
      } else {
        writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      }
      writeFileSync(join(out, 'report.html'), reportHtml(report));
      io.stdout(`${summaryText(report)}\n${extra ? `${extra}\n` : ''}\nreport: ${join(out, 'report.json')} and report.html\n`);

      if (a['fit-calibration']) {
        const artifact = artifactFromReport(report, data);
        writeArtifact(a['fit-calibration'], artifact);
        io.stdout(`calibration ${artifact.id} (${artifact.points.length} knots, ${artifact.fittedOn.items} items) written to ${a['fit-calibration']}\n`);
      }
      if (gate) {
        const result = checkGate(report, gate);
        for (const p of result.passes) io.stdout(`gate ok:   ${p}\n`);
        for (const w of result.warnings) io.stdout(`gate WARN: ${w}\n`);
        for (const f of result.failures) io.stdout(`gate FAIL: ${f}\n`);
        io.stdout(result.passed ? `gate passed (${a.gate})\n` : `gate FAILED: ${result.failures.length} check(s) failed (${a.gate})\n`);
        if (!result.passed) return 1;
      }
      return 0;
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      err(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof RangeError) return err(e.message), 2;
    if (e instanceof ConfigError) return err(`configuration: ${e.message}`), 2;
    if (e instanceof CacheMissError) return err(e.message), 1;
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return err(e.message), 2;
    throw e;
  }
}
