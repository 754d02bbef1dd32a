import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BankIndex } from '../src/bank/bank-index.js';
import { Rubric } from '../src/bank/schema.js';
import { AdHocGradeRequest, type GradeRequest, MAX_ANSWER_CHARS } from '../src/grading/grade-schema.js';
import { type ColumnMapping, csvRecords } from './csv-input.js';
import { UsageError } from './usage-error.js';
import { toJudgeScale } from './metrics.js';
import { issuesLine } from '../src/text/zod-issues.js';

/** The scale of a dataset's human scores, `--scale MIN:MAX`; mapped linearly onto the judge's 1..5. */
export interface Scale {
  min: number;
  max: number;
}

/** Parse `MIN:MAX`, e.g. `1:5` or `0:2.5`. */
export function parseScale(text: string): Scale {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*:\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || !(max > min)) throw new RangeError(`--scale must be MIN:MAX with MIN < MAX, e.g. 1:5 or 0:5 (got "${text}")`);
  return { min, max };
}

/** One line of a labelled file. Unknown fields are ignored, so other datasets' extra columns do no harm. */
export const LabelledLine = z.object({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  questionId: z.string().min(1).optional(),
  question: z.string().optional(),
  referenceAnswer: z.string().optional(),
  rubric: Rubric.optional(),
  answer: z
    .string({ error: 'must be a string' })
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine((s) => s.length <= MAX_ANSWER_CHARS, `must be at most ${MAX_ANSWER_CHARS} characters`),
  humanScore: z.number({ error: 'must be a number' }),
  raters: z.array(z.number()).optional(),
  tags: z.array(z.string().min(1)).default([]),
});
export type LabelledLine = z.infer<typeof LabelledLine>;

const DatasetAdHocRequest = AdHocGradeRequest.extend({ referenceAnswer: z.string().trim().min(1, 'must not be empty') });

/** A valid labelled answer, resolved against the bank and ready to grade. */
export interface LabelledItem {
  id: string;
  /** `file:line` it came from. */
  source: string;
  request: GradeRequest;
  /** Bank id (`data-drift.follow-up`) or null for an item from outside the bank. */
  questionId: string | null;
  /** Cross-validation group: the main question, so a question and its follow-up stay together. */
  group: string;
  /** Label for per-question tables: the bank id, or the question text. */
  questionLabel: string;
  referenceAnswer: string;
  answer: string;
  /** Human score on the dataset's own scale, and mapped onto 1..5. */
  humanScore: number;
  human: number;
  /** Individual raters, mapped onto 1..5. */
  raters: number[];
  tags: string[];
}

export interface InvalidLine {
  source: string;
  reason: string;
}

export interface Dataset {
  /** The files read, in order. */
  files: string[];
  /** sha256 of each file's bytes, in the same order: what exactly was read. */
  fileHashes: { file: string; sha256: string }[];
  items: LabelledItem[];
  invalid: InvalidLine[];
  /** sha256 of the valid lines, to name what a calibration was fitted on. */
  sha256: string;
}

/** The data files of a path: the file itself, or the sorted `.jsonl` and `.csv` files of a folder. */
export function datasetFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.jsonl') || f.endsWith('.csv'))
    .sort()
    .map((f) => join(path, f));
}

/**
 * Read labelled JSONL or CSV files (a file, or a folder of them). Invalid lines are collected with their
 * line number and reason, not thrown, so one bad line does not stop an evaluation of hundreds. A CSV file
 * has a header row; `columns` maps its columns onto the fields of a labelled line.
 */
export function loadDataset(path: string, bank: BankIndex, scale: Scale, columns: ColumnMapping = {}): Dataset {
  const files = datasetFiles(path);
  const items: LabelledItem[] = [];
  const invalid: InvalidLine[] = [];
  const fileHashes: Dataset['fileHashes'] = [];
  const seen = new Set<string>();
  const hash = createHash('sha256');
  for (const file of files) {
    const content = readFileSync(file, 'utf8');
    fileHashes.push({ file, sha256: createHash('sha256').update(content).digest('hex') });
    const add = (line: number, value: unknown, canonical: string) => {
      const source = `${file}:${line}`;
      const r = parseRecord(value, bank, scale);
      if ('reason' in r) return invalid.push({ source, reason: r.reason });
      if (seen.has(r.id)) return invalid.push({ source, reason: `id: "${r.id}" is used by an earlier line` });
      seen.add(r.id);
      hash.update(`${canonical}\n`);
      items.push({ ...r, source });
    };
    if (file.endsWith('.csv')) {
      let records: ReturnType<typeof csvRecords>;
      try {
        records = csvRecords(content, columns);
      } catch (err) {
        // A file that is not CSV (an unclosed quote, rows of different widths) is one reason, not a crash.
        if (err instanceof UsageError) throw err;
        invalid.push({ source: file, reason: `not valid CSV: ${(err as Error).message}` });
        continue;
      }
      for (const r of records) add(r.line, r.value, JSON.stringify(r.value));
      continue;
    }
    content.split('\n').forEach((text, i) => {
      if (!text.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        return invalid.push({ source: `${file}:${i + 1}`, reason: `not valid JSON: ${(err as Error).message}` });
      }
      add(i + 1, json, text.trim());
    });
  }
  return { files, fileHashes, items, invalid, sha256: hash.digest('hex') };
}

function issuesOf(error: z.ZodError): string {
  return issuesLine(error, 'line');
}

function parseRecord(json: unknown, bank: BankIndex, scale: Scale): Omit<LabelledItem, 'source'> | { reason: string } {
  const r = LabelledLine.safeParse(json);
  if (!r.success) return { reason: issuesOf(r.error) };
  const line = r.data;
  const outOfScale = [line.humanScore, ...(line.raters ?? [])].find((s) => s < scale.min || s > scale.max);
  if (outOfScale !== undefined) return { reason: `humanScore/raters: ${outOfScale} is outside the scale ${scale.min}:${scale.max}` };
  const base = {
    id: line.id,
    answer: line.answer,
    humanScore: line.humanScore,
    human: toJudgeScale(line.humanScore, scale),
    raters: (line.raters ?? []).map((s) => toJudgeScale(s, scale)),
    tags: line.tags,
  };
  if (line.questionId !== undefined) {
    const g = bank.gradable(line.questionId);
    if (!g) return { reason: `questionId: no question "${line.questionId}" in the bank` };
    return {
      ...base,
      request: { questionId: g.id, answer: line.answer },
      questionId: g.id,
      group: g.questionId,
      questionLabel: g.id,
      referenceAnswer: g.referenceAnswer,
    };
  }
  // Outside the bank: the rules of an ad-hoc POST /api/grade, except that any non-empty reference answer is
  // taken: a benchmark's reference may be one word ("push").
  const missing = (['question', 'referenceAnswer'] as const).filter((f) => line[f] === undefined);
  if (missing.length) return { reason: `${missing.join(' and ')}: required when there is no questionId` };
  const adHoc = DatasetAdHocRequest.safeParse({
    question: line.question,
    referenceAnswer: line.referenceAnswer,
    answer: line.answer,
    ...(line.rubric ? { rubric: line.rubric } : {}),
  });
  if (!adHoc.success) return { reason: `without questionId, ${issuesOf(adHoc.error)}` };
  return {
    ...base,
    request: adHoc.data,
    questionId: null,
    group: `question:${adHoc.data.question}`,
    questionLabel: adHoc.data.question,
    referenceAnswer: adHoc.data.referenceAnswer,
  };
}
