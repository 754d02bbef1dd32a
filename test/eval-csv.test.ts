import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecords, parseColumnMapping } from '../evals/csv-input.js';
import { runEvalCommand } from '../evals/eval-command.js';
import type { EvalReport } from '../evals/report.js';

const dir = mkdtempSync(join(tmpdir(), 'csv-'));
const jsonl = readFileSync('data/labelled/mlops-answers.jsonl', 'utf8').split('\n').filter(Boolean).slice(0, 20);
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function evalOf(args: string[]) {
  const out = mkdtempSync(join(dir, 'out-'));
  let stderr = '';
  const code = await runEvalCommand([...args, '--judge', 'embedded', '--no-cache', '--out', out], {}, { stdout: () => undefined, stderr: { write: (t: string) => ((stderr += t), true) } as never });
  return { code, stderr, report: code === 0 ? (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as EvalReport) : null };
}

describe('CSV input', () => {
  it('grades a CSV with its own column names as the same JSONL lines are graded, and records each file hash', async () => {
    const lines = jsonl.map((l) => JSON.parse(l) as { id: string; questionId: string; answer: string; humanScore: number; raters?: number[]; tags?: string[] });
    const rows = lines.map((l) => [l.id, l.questionId, quote(l.answer), String(l.humanScore), String(l.raters?.[0] ?? ''), String(l.raters?.[1] ?? ''), quote((l.tags ?? []).join(';'))].join(','));
    const csv = `item,question_id,student_answer,grade,r1,r2,labels\n${rows.join('\n')}\n`;
    writeFileSync(join(dir, 'answers.csv'), csv);
    writeFileSync(join(dir, 'answers.jsonl'), `${jsonl.join('\n')}\n`);

    const fromCsv = await evalOf(['--data', join(dir, 'answers.csv'), '--columns', 'id=item,questionId=question_id,answer=student_answer,humanScore=grade,raters=r1|r2,tags=labels']);
    const fromJsonl = await evalOf(['--data', join(dir, 'answers.jsonl')]);
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    expect(fromCsv.report?.n).toBe(20);
    expect(fromCsv.report?.metrics).toEqual(fromJsonl.report?.metrics);
    expect(fromCsv.report?.items.map((i) => [i.id, i.raw, i.raters, i.tags])).toEqual(fromJsonl.report?.items.map((i) => [i.id, i.raw, i.raters, i.tags]));
    expect(fromCsv.report?.config.dataFiles).toEqual([{ file: join(dir, 'answers.csv'), sha256: createHash('sha256').update(csv).digest('hex') }]);
  });

  it('names the bad cell, the unknown column and the broken file', async () => {
    expect(() => parseColumnMapping('answer')).toThrow(/FIELD=COLUMN/);
    expect(() => parseColumnMapping('score=grade')).toThrow(/FIELD one of id, questionId/);
    expect(() => parseColumnMapping('answer=a|b')).toThrow(/only raters/);
    expect(() => csvRecords('answer,grade\nx,3\n', { humanScore: ['score'] })).toThrow(/no column "score" in the CSV header \(answer, grade\)/);

    writeFileSync(join(dir, 'bad.csv'), 'id,questionId,answer,humanScore\n1,mlops,"a real answer about pipelines",four\n2,mlops,"",3\n');
    const bad = await evalOf(['--data', join(dir, 'bad.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv:2: humanScore: must be a number/);
    expect(bad.stderr).toMatch(/bad\.csv:3: answer: must be a string/);

    writeFileSync(join(dir, 'broken.csv'), 'id,answer\n1,"unclosed\n');
    const broken = await evalOf(['--data', join(dir, 'broken.csv')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.csv: not valid CSV/);
  });
});
