import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { createJudge as defaultCreateJudge } from '../src/compose.js';
import { type Config, judgeKindFor } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { PROMPT_NAME_PATTERN } from '../src/judge/llm/prompt-versions.js';
import { compareReports, compareText } from './compare.js';
import { evalJudge } from './eval-judge.js';
import type { ProgressStream } from './progress.js';
import type { EvalReport } from './report.js';
import { reportHtml } from './report-html.js';
import { type DatasetRun, runEval } from './run-eval.js';
import { UsageError } from './usage-error.js';

/** A whole-number option, e.g. `--seed`. */
export function nonNegativeInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number (got "${v}")`);
  return n;
}

/** `--compare A B`: both names, or a usage error; options that make no sense with it are refused. */
export function compareNames(first: string | undefined, positionals: string[], a: Record<string, unknown>): { a: string; b: string } | null {
  if (first === undefined) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    return null;
  }
  const [second, ...extra] = positionals;
  if (second === undefined || extra.length) throw new UsageError('--compare takes two prompt versions: --compare A B');
  for (const n of [first, second]) if (!PROMPT_NAME_PATTERN.test(n)) throw new UsageError(`--compare: "${n}" is not a prompt version name`);
  for (const o of ['gate', 'fit-calibration'] as const) if (a[o] !== undefined) throw new UsageError(`--${o} does not go with --compare`);
  return { a: first, b: second };
}

export interface CompareOptions {
  names: { a: string; b: string };
  config: Config;
  run: DatasetRun;
  cacheDir: string | null;
  replay: boolean;
  /** Resamples of the paired bootstrap of the difference. */
  resamples: number;
  seed: number;
  out: string;
  createJudge: typeof defaultCreateJudge;
  stdout: (text: string) => void;
  stderr: ProgressStream;
  now: Date;
}

/**
 * `npm run eval -- --compare A B`: grade the labelled set with prompt version A, then with B, each through
 * the judge factory and `grade()` the server uses (and the same reply cache), and compare their agreement
 * with the humans with a paired bootstrap. Writes each version's report and `compare.json` to `out`.
 */
export async function runCompare(o: CompareOptions): Promise<void> {
  // A replay needs no provider (see `evalJudge`).
  if (judgeKindFor(o.config, { completerGiven: o.replay && o.config.JUDGE === 'llm' }) !== 'llm') {
    throw new ConfigError('--compare compares prompt versions of the LLM judge: configure an LLM (OPENAI_API_KEY or OPENAI_BASE_URL), or use --replay with a recorded cache');
  }
  const reports: EvalReport[] = [];
  for (const [label, name] of [['A', o.names.a], ['B', o.names.b]] as const) {
    const { judge, runFields } = evalJudge(o.createJudge, o.config, { cacheDir: o.cacheDir, replay: o.replay, promptName: name });
    o.stderr.write(`${label}: grading with prompt ${name} (${judge.promptVersion}), ${judge.model}\n`);
    const report = await runEval({ ...o.run, ...runFields, progress: o.stderr });
    const dir = join(o.out, `${label}-${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, 'report.html'), reportHtml(report));
    reports.push(report);
  }
  const [a, b] = reports;
  if (!a || !b) throw new Error('compare: a run is missing');
  const comparison = compareReports(a, b, o.names, { resamples: o.resamples, seed: o.seed, confidence: 0.95 }, o.now);
  writeFileSync(join(o.out, 'compare.json'), `${JSON.stringify(comparison, null, 2)}\n`);
  o.stdout(`${compareText(comparison)}\n\nreports: ${join(o.out, 'compare.json')}, and each version's report.json and report.html beside it\n`);
}
