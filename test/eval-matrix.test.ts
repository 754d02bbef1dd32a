import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../evals/eval-command.js';
import { parseJudgeSpecs } from '../evals/matrix/judge-spec.js';
import type { MatrixReport } from '../evals/matrix/matrix-report.js';
import { createFakeBatchApi } from '../scripts/fake-judge/fake-batch-api.js';

// Two LLM judges through the real judge code over a fake provider: `fake-b` favours whichever answer it
// reads first by one level, as a position-biased model would.
const fake = createFakeBatchApi({ byModel: { 'fake-b': { positionBias: 1, biasMode: 'candidate-only' } } });
let server: ServerType;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'matrix-'));
beforeAll(async () => {
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: fake.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  env = { OPENAI_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, OPENAI_API_KEY: 'sk-test-matrix', LLM_MAX_RETRIES: '0' };
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function matrix(args: string[]) {
  const out = mkdtempSync(join(dir, 'out-'));
  let stdout = '';
  let stderr = '';
  const code = await runEvalCommand(['--data', 'data/labelled', '--limit', '30', '--bootstrap', '200', '--out', out, ...args], env, {
    stdout: (t) => (stdout += t),
    stderr: { write: (t: string) => ((stderr += t), true) } as never,
  });
  const report = code === 0 ? (JSON.parse(readFileSync(join(out, 'matrix.json'), 'utf8')) as MatrixReport) : null;
  return { code, stdout, stderr, report, html: code === 0 ? readFileSync(join(out, 'matrix.html'), 'utf8') : '' };
}

describe('judge matrix', () => {
  it('grades the same items with every judge and reports each against the humans and against each other', async () => {
    const cache = join(dir, 'cache');
    const r = await matrix(['--judges', 'embedded,llm:fake-a,llm:fake-b', '--cache', cache, '--price', '1:2']);
    expect(r.code, r.stderr).toBe(0);
    const m = r.report as MatrixReport;
    expect(m.judges.map((j) => [j.label, j.kind, j.model])).toEqual([
      ['embedded', 'embedded', 'embedded-align'],
      ['llm:fake-a', 'llm', 'fake-a'],
      ['llm:fake-b', 'llm', 'fake-b'],
    ]);
    expect(m.judges.map((j) => j.n)).toEqual([30, 30, 30]);
    expect(m.judges.map((j) => j.calls)).toEqual([null, 60, 60]);
    expect(fake.counts.chatCompletions).toBe(120);
    for (const j of m.judges.slice(1)) {
      expect(j.tokens?.promptTokens).toBeGreaterThan(0);
      expect(j.costUsd).toBeCloseTo(((j.tokens?.promptTokens ?? 0) * 1 + (j.tokens?.completionTokens ?? 0) * 2) / 1e6, 10);
    }
    for (const j of m.judges) expect(j.intervals.raw.pearson?.[0]).toBeLessThan(j.metrics.raw.pearson ?? 0);
    expect(m.pairs.map((p) => `${p.a}|${p.b}`)).toEqual(['embedded|llm:fake-a', 'embedded|llm:fake-b', 'llm:fake-a|llm:fake-b']);
    // The biased judge scores above the unbiased one: the two disagree, and the list says where most.
    const ab = m.pairs[2];
    expect(ab?.agreement.n).toBe(30);
    expect(ab?.agreement.exact).toBeLessThan(1);
    const spreads = m.disagreements.map((d) => d.spread);
    expect(spreads).toEqual([...spreads].sort((x, y) => y - x));
    expect(m.disagreements[0]?.spread).toBeGreaterThan(0);
    expect(r.html.indexOf('Judges against the human labels')).toBeLessThan(r.html.indexOf('Judges against each other'));
    expect(r.stdout).toMatch(/llm:fake-b .* \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);

    // Same judges again: every reply from the cache.
    const again = await matrix(['--judges', 'embedded,llm:fake-a,llm:fake-b', '--cache', cache]);
    expect(again.report?.judges.map((j) => j.calls)).toEqual([null, 0, 0]);
    expect(fake.counts.chatCompletions).toBe(120);
    expect(again.report?.judges.map((j) => j.metrics)).toEqual(m.judges.map((j) => j.metrics));
  });

  it('reads judge lists as written and refuses what it cannot run', async () => {
    expect(parseJudgeSpecs('embedded, llm:llama3.1:8b@strict-levels,llm')).toEqual([
      { kind: 'embedded', model: null, prompt: null, label: 'embedded' },
      { kind: 'llm', model: 'llama3.1:8b', prompt: 'strict-levels', label: 'llm:llama3.1:8b@strict-levels' },
      { kind: 'llm', model: null, prompt: null, label: 'llm' },
    ]);
    expect(() => parseJudgeSpecs('embedded')).toThrow(/two judges or more/);
    expect(() => parseJudgeSpecs('embedded,gpt-4o')).toThrow(/must be embedded, llm/);
    expect(() => parseJudgeSpecs('embedded,embedded')).toThrow(/listed twice/);
    expect(() => parseJudgeSpecs('embedded,llm:')).toThrow(/names no model/);
    expect(() => parseJudgeSpecs('embedded,llm:m@Bad Name')).toThrow(/not a prompt version/);
    const clash = await matrix(['--judges', 'embedded,llm', '--gate', 'evals/gate.json']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--gate does not go with --judges/);
  });
});
