import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBankIndex } from '../src/bank/bank-index.js';
import { loadBank } from '../src/bank/load-bank.js';
import { createJudge as defaultCreateJudge } from '../src/compose.js';
import { type Config, loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { clientFromConfig } from '../src/judge/llm/configured-judge.js';
import { type BatchApi, createOpenAiBatchApi } from './batch/batch-api.js';
import { batchSummaryText, runBatchEval } from './batch/batch-eval.js';
import { runCompare } from './compare-command.js';
import { evalJudge } from './eval-judge.js';
import { asksForLlm, parseEvalOptions, type RunOptions } from './eval-options.js';
import { writeEvalReport } from './eval-report-files.js';
import { fitJudgeCommand } from './fit-judge-command.js';
import { readGateFile } from './gate.js';
import { CacheMissError } from './llm-cache.js';
import { matrixText } from './matrix/matrix-text.js';
import { runMatrix } from './matrix/run-matrix.js';
import type { ProgressStream } from './progress.js';
import type { EvalReport } from './report.js';
import { type DatasetRun, runEval } from './run-eval.js';
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


/** The Batch API over the judge's own client: key, base URL, headers, timeout and retries. */
function defaultBatchApi(config: Config): BatchApi {
  return createOpenAiBatchApi(clientFromConfig(config));
}

/**
 * `npm run eval`: returns the exit code (0 ok, 1 run or gate failure, 2 bad usage or configuration).
 * Tables go to stdout, progress and problems to stderr. Parses the flags (`parseEvalOptions`), builds the
 * configuration from `env` with the flags' choices typed onto it, runs, and reports (`writeEvalReport`).
 */
export async function runEvalCommand(argv: string[], env: Record<string, string | undefined>, io: CommandIo, deps: CommandDeps = {}): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);
  try {
    const options = parseEvalOptions(argv);
    if (options.command === 'help') return io.stdout(`${USAGE}\n`), 0;
    if (options.command === 'fit-judge') return fitJudgeCommand(options.out, options.data, options.scales, env, io);
    return await evalRun(options, env, io, deps);
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

/**
 * The configuration of a run: the environment's, with `--judge` on it. A replay that asks for the LLM judge
 * takes it even when `JUDGE=auto` finds no provider: the replay needs none (see `evalJudge`).
 */
export function runConfig(env: Record<string, string | undefined>, o: RunOptions): Config {
  const config = loadConfig(env);
  const judge = o.judge ?? (o.replay && asksForLlm(o) && config.JUDGE === 'auto' ? 'llm' : config.JUDGE);
  return { ...config, JUDGE: judge };
}

async function evalRun(o: RunOptions, env: Record<string, string | undefined>, io: CommandIo, deps: CommandDeps): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);
  const createJudge = deps.createJudge ?? defaultCreateJudge;
  const now = deps.now?.() ?? new Date();
  const outDir = (suffix: string) => o.out ?? join(ROOT, 'evals', 'out', `${now.toISOString().replace(/[:.]/g, '-')}${suffix}`);
  // Read the gate before grading, so a broken gate file does not cost a whole (possibly paid) run.
  const gate = o.gate ? { file: o.gate, thresholds: readGateFile(o.gate) } : null;
  const config = runConfig(env, o);
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const cacheDir = o.cache === undefined ? (config.EVAL_CACHE_DIR ?? DEFAULT_CACHE_DIR) : o.cache;
  // The dataset and its scoring, the same for a plain run, a matrix, a batch and a comparison.
  const run = {
    data: o.data,
    columns: o.columns,
    bank,
    scale: o.scale,
    folds: o.folds,
    concurrency: o.concurrency,
    limit: o.limit,
    price: o.price,
    bootstrap: { resamples: o.bootstrap ?? 1000, seed: o.seed },
  } satisfies DatasetRun;
  const report = (r: EvalReport, extra: string | null) =>
    writeEvalReport(r, { out: outDir(''), itemsJsonl: o.itemsJsonl, data: o.data, fitCalibration: o.fitCalibration, gate, extra }, { stdout: io.stdout, err });

  if (o.judges) {
    const out = outDir('-matrix');
    const matrix = await runMatrix({ specs: o.judges, config, run, cacheDir, replay: o.replay, out, createJudge, stderr: io.stderr, now });
    io.stdout(`${matrixText(matrix)}\n\nmatrix: ${join(out, 'matrix.json')} and matrix.html, each judge's report beside them\n`);
    return 0;
  }
  if (o.batch) {
    if (!cacheDir) throw new UsageError('--batch keeps its replies in the reply cache; drop --no-cache');
    const outcome = await runBatchEval({
      config,
      run,
      cacheDir,
      discount: o.batch.discount,
      resume: o.batch.resume,
      wait: o.batch.wait,
      createJudge,
      api: (deps.batchApi ?? defaultBatchApi)(config),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      log: err,
      progress: io.stderr,
    });
    if (outcome.kind === 'submitted') {
      io.stdout(`batch ${outcome.batchId} submitted with ${outcome.requests} requests; rerun the same command to collect it\n`);
      return 0;
    }
    return report(outcome.report, batchSummaryText(outcome.report.batch));
  }
  if (o.compare) {
    await runCompare({
      names: o.compare,
      config,
      run,
      cacheDir,
      replay: o.replay,
      resamples: o.bootstrap ?? 2000,
      seed: o.seed,
      out: outDir('-compare'),
      createJudge,
      stdout: io.stdout,
      stderr: io.stderr,
      now,
    });
    return 0;
  }
  const { judge, chat, runFields } = evalJudge(createJudge, config, { cacheDir, replay: o.replay });
  err(`evaluating the ${judge.kind} judge ${judge.model} (${judge.promptVersion}) on ${o.data}${chat ? `, cache ${cacheDir ?? 'off'}${o.replay ? ' (replay)' : ''}` : ''}`);
  const r = await runEval({ ...run, ...runFields, progress: io.stderr });
  return report(r, null);
}
