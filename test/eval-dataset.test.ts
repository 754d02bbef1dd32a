import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, parseScale } from '../evals/dataset.js';
import { runEvalCommand } from '../evals/eval-command.js';
import { escapeHtml } from '../evals/html-parts.js';
import { bank } from './helpers/app.js';

const FIXTURE = 'test/fixtures/labelled-mini.jsonl';

function io() {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t: string) => void (out += t), stderr: { write: (t: string) => void (err += t), isTTY: false } },
    out: () => out,
    err: () => err,
  };
}

describe('labelled data', () => {
  it('keeps valid lines and reports each invalid one with its line number and reason', () => {
    const d = loadDataset(FIXTURE, bank, { min: 1, max: 5 });
    expect(d.items.map((i) => i.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm7', 'm11', 'm12']);
    const reasons = Object.fromEntries(d.invalid.map((l) => [l.source.split(':').pop(), l.reason]));
    expect(reasons).toEqual({
      '6': expect.stringContaining('not valid JSON'),
      '7': 'questionId: no question "no-such-question" in the bank',
      '9': 'answer: must not be empty',
      '10': 'humanScore/raters: 7 is outside the scale 1:5',
      '11': 'id: "m1" is used by an earlier line',
      '12': 'referenceAnswer: required when there is no questionId',
    });
  });

  it('resolves bank items through the bank and keeps a question with its follow-up in one group', () => {
    const d = loadDataset(FIXTURE, bank, { min: 1, max: 5 });
    const byId = new Map(d.items.map((i) => [i.id, i]));
    expect(byId.get('m4')).toMatchObject({ questionId: 'data-drift.follow-up', group: 'data-drift', request: { questionId: 'data-drift.follow-up' } });
    expect(byId.get('m4')!.referenceAnswer).toBe(bank.gradable('data-drift.follow-up')!.referenceAnswer);
    expect(byId.get('m7')).toMatchObject({ questionId: null, request: { question: 'What does a load balancer do?' } });
    expect(byId.get('m1')!.raters).toEqual([5, 4]);
  });

  it('maps another scale onto 1..5 and rejects a malformed --scale', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 7, questionId: 'mlops', answer: 'x y z', humanScore: 2.5, raters: [2, 3] })}\n`);
    const [item] = loadDataset(dir, bank, parseScale('0:5')).items;
    expect(item).toMatchObject({ id: '7', humanScore: 2.5, human: 3, raters: [2.6, 3.4] });
    expect(() => parseScale('5:1')).toThrow(/MIN:MAX/);
    expect(() => parseScale('one:five')).toThrow(/MIN:MAX/);
  });
});

describe('npm run eval (in process)', () => {
  it('grades the valid items, says how many lines it skipped, and writes report.json and report.html', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-out-'));
    const t = io();
    const code = await runEvalCommand(['--data', FIXTURE, '--judge', 'embedded', '--folds', '3', '--out', out], {}, t.io);
    expect(code).toBe(0);
    expect(t.err()).toContain(`skipped ${FIXTURE}:7: questionId: no question "no-such-question" in the bank`);
    expect(t.err()).toContain('6 invalid line(s) skipped; 8 graded');
    expect(t.out()).toMatch(/agreement with humans/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ n: 8, skipped: 6, unscored: { count: 0 }, judge: { kind: 'embedded' }, llm: null });
    for (const series of ['raw', 'calibrated']) {
      expect(Object.keys(report.metrics[series]).sort()).toEqual(['exact', 'mae', 'n', 'pearson', 'qwk', 'rmse', 'spearman', 'within1']);
    }
    expect(report.ablation.map((a: { variant: string }) => a.variant)).toEqual(['none', 'calibration', 'no-caps', 'no-caps+calibration']);
    expect(report.ceiling.items).toBe(3);
    expect(report.items).toHaveLength(8);
    expect(report.byTag.map((b: { key: string }) => b.key)).toContain('adversarial');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('answers bad usage with exit code 2 and the usage text', async () => {
    for (const args of [[], ['--data', FIXTURE, '--judge', 'magic'], ['--data', FIXTURE, '--folds', '1'], ['--data', FIXTURE, '--bogus']]) {
      const t = io();
      expect(await runEvalCommand(args, {}, t.io)).toBe(2);
      expect(t.err()).toMatch(/usage: npm run eval/);
    }
    const t = io();
    expect(await runEvalCommand(['--data', 'no/such/file.jsonl'], {}, t.io)).toBe(2);
    expect(t.err()).toContain('no/such/file.jsonl');
  });

  it('escapes answers in the HTML report', async () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    const dir = mkdtempSync(join(tmpdir(), 'eval-xss-'));
    const data = join(dir, 'x.jsonl');
    writeFileSync(data, `${JSON.stringify({ id: 'x1', questionId: 'mlops', answer: '<script>alert(1)</script><img src=x onerror=alert(2)>', humanScore: 1, tags: ['<b>tag</b>'] })}\n`);
    expect(await runEvalCommand(['--data', data, '--out', dir], {}, io().io)).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>tag');
  });
});
