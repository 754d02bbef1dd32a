import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pairedBootstrap, type PairedItem, quantile } from '../evals/bootstrap.js';
import type { CompareReport } from '../evals/compare.js';
import { METRICS } from '../evals/compare.js';
import { runEvalCommand } from '../evals/eval-command.js';
import type { JudgeOptions } from '../src/compose.js';
import { createLlmJudge } from '../src/judge/llm/llm-judge.js';
import { createLlmLimiter } from '../src/judge/llm/llm-limiter.js';
import { loadJudgePromptVersion } from '../src/judge/llm/prompt-versions.js';
import { seededRandom } from '../src/sessions/plan.js';
import { fakeJudgeCompleter } from './helpers/llm.js';

const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), `coach-compare-${p}`));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Human levels with judge A off by noise and judge B close to the humans. */
function items(n: number, seed: number): PairedItem[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const human = 1 + Math.floor(r() * 5);
    const clamp = (x: number) => Math.min(5, Math.max(1, x));
    return { human, a: clamp(human + Math.round((r() - 0.5) * 4)), b: clamp(human + (r() < 0.15 ? (r() < 0.5 ? -1 : 1) : 0)) };
  });
}

describe('paired bootstrap', () => {
  it('finds no difference between a version and itself', () => {
    const same = items(80, 1).map((i) => ({ ...i, b: i.a }));
    const d = pairedBootstrap(same, METRICS.qwk, { resamples: 300, seed: 1 });
    expect(d.difference).toBe(0);
    expect(d.ci).toEqual([0, 0]);
    expect(d.pValue).toBe(1);
    expect(d.significant).toBe(false);
  });

  it('finds a real improvement, and is reproducible with its seed', () => {
    const data = items(120, 2);
    const one = pairedBootstrap(data, METRICS.spearman, { resamples: 500, seed: 7 });
    expect(one.difference).toBeGreaterThan(0.2);
    expect(one.ci?.[0]).toBeGreaterThan(0);
    expect(one.significant).toBe(true);
    expect(one.pValue).toBe(1 / 500);
    expect(pairedBootstrap(data, METRICS.spearman, { resamples: 500, seed: 7 })).toEqual(one);
    expect(pairedBootstrap(data, METRICS.spearman, { resamples: 500, seed: 8 }).ci).not.toEqual(one.ci);
  });

  it('resamples pairs, not each side apart: a shared hard item moves both metrics together', () => {
    // B equals A except on one item; an unpaired bootstrap would see two noisy, wide, overlapping intervals.
    const data = items(100, 3);
    const tweaked = data.map((i, k) => ({ ...i, b: k === 0 ? i.human : i.a }));
    const d = pairedBootstrap(tweaked, METRICS.spearman, { resamples: 400, seed: 1 });
    expect(Math.abs((d.ci?.[1] ?? 1) - (d.ci?.[0] ?? 0))).toBeLessThan(0.05);
  });

  it('gives no interval when the metric is undefined on the items', () => {
    const flat = Array.from({ length: 20 }, (_, k) => ({ human: 3, a: 1 + (k % 5), b: 2 }));
    const d = pairedBootstrap(flat, METRICS.spearman, { resamples: 100, seed: 1 });
    expect(d).toMatchObject({ a: null, b: null, ci: null, significant: false });
  });

  it('interpolates quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
  });
});

/** The LLM judge of the requested prompt version over the fake judge: no network. */
function createJudge(_config: unknown, o: JudgeOptions = {}) {
  const inner = fakeJudgeCompleter();
  return createLlmJudge({ completer: o.wrapChat ? o.wrapChat(inner) : inner, model: 'judge-model', prompts: loadJudgePromptVersion(o.promptName ?? 'default'), limiter: createLlmLimiter(8) });
}
const ENV = { OPENAI_BASE_URL: 'http://llm.test/v1' };

async function run(args: string[], env: Record<string, string> = ENV) {
  let out = '';
  let err = '';
  const code = await runEvalCommand(args, env, { stdout: (t) => void (out += t), stderr: { write: (t: string) => ((err += t), true) } }, { createJudge });
  return { code, out, err };
}

describe('npm run eval -- --compare A B', () => {
  it('grades the labelled set with both prompt versions and reports the paired difference', async () => {
    const out = tmp('out-');
    const cache = tmp('cache-');
    const args = ['--data', 'data/labelled', '--limit', '60', '--compare', 'default', 'strict-levels', '--bootstrap', '400', '--seed', '3', '--cache', cache];
    const first = await run([...args, '--out', out]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/prompt comparison on 60 items scored by both \(paired bootstrap, 400 resamples, seed 3\)/);
    expect(first.out).toMatch(/qwk \(raw\)/);
    const report = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as CompareReport;
    expect(report.A).toMatchObject({ name: 'default', promptVersion: loadJudgePromptVersion('default').version, scored: 60 });
    expect(report.B).toMatchObject({ name: 'strict-levels', promptVersion: loadJudgePromptVersion('strict-levels').version, scored: 60 });
    expect(report.differences.map((d) => `${d.metric} ${d.scores}`)).toEqual(['spearman raw', 'qwk raw', 'spearman calibrated', 'qwk calibrated']);
    for (const d of report.differences) {
      expect(d.difference).toBeCloseTo((d.b ?? 0) - (d.a ?? 0), 10);
      expect(d.ci?.[0]).toBeLessThanOrEqual(d.ci?.[1] ?? -1);
      expect(d.significant).toBe((d.ci?.[0] ?? 0) > 0 || (d.ci?.[1] ?? 0) < 0);
    }
    // Each version's full report is kept beside it.
    expect(readFileSync(join(out, 'A-default', 'report.json'), 'utf8')).toContain('"promptVersion"');
    expect(readFileSync(join(out, 'B-strict-levels', 'report.json'), 'utf8')).toContain('"promptVersion"');

    // A replay from the cache reproduces the numbers exactly, with no provider.
    const replayOut = tmp('out-');
    const again = await run([...args, '--replay', '--out', replayOut], {});
    expect(again.code).toBe(0);
    const replayed = JSON.parse(readFileSync(join(replayOut, 'compare.json'), 'utf8')) as CompareReport;
    expect(replayed.differences).toEqual(report.differences);
    expect(replayed.B.llm).toMatchObject({ providerCalls: 0, cacheHits: report.B.llm?.providerCalls });
  });

  it.each([
    [['--compare', 'default'], /--compare takes two prompt versions/],
    [['--compare', 'default', 'strict-levels', 'third'], /--compare takes two prompt versions/],
    [['--compare', 'default', 'Bad Name'], /not a prompt version name/],
    [['--compare', 'default', 'strict-levels', '--gate', 'evals/gate.json'], /--gate does not go with --compare/],
    [['stray'], /unexpected argument "stray"/],
  ])('refuses %j with exit 2', async (extra, message) => {
    const r = await run(['--data', 'data/labelled', ...extra]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('refuses to compare prompts of the embedded judge', async () => {
    const r = await run(['--data', 'data/labelled', '--judge', 'embedded', '--compare', 'default', 'strict-levels']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--compare compares prompt versions of the LLM judge/);
  });
});
