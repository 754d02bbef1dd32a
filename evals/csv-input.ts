import { parse } from 'csv-parse/sync';
import { UsageError } from './usage-error.js';

/** Fields of a labelled line that a CSV column can fill. */
export const CSV_FIELDS = ['id', 'questionId', 'question', 'referenceAnswer', 'answer', 'humanScore', 'raters', 'tags'] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

/** Which CSV column(s) fill which field; a field not named is read from the column of its own name. */
export type ColumnMapping = Partial<Record<CsvField, string[]>>;

/**
 * Parse `--columns answer=student_answer,humanScore=grade,raters=grader1|grader2`: a field, `=`, and one
 * column (several, joined by `|`, for `raters`).
 */
export function parseColumnMapping(text: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [field, columns, ...rest] = pair.split('=');
    const known = CSV_FIELDS.find((f) => f === field?.trim());
    if (!known || !columns || rest.length) {
      throw new UsageError(`--columns: "${pair}" must be FIELD=COLUMN with FIELD one of ${CSV_FIELDS.join(', ')}`);
    }
    const names = columns.split('|').map((c) => c.trim()).filter(Boolean);
    if (names.length === 0 || (names.length > 1 && known !== 'raters')) throw new UsageError(`--columns: "${pair}": only raters takes several columns (a|b)`);
    mapping[known] = names;
  }
  return mapping;
}

export interface CsvRecord {
  /** Line of the file the record ends on (a quoted cell may span lines). */
  line: number;
  /** The record as a labelled JSONL line would hold it, for the same validation. */
  value: Record<string, unknown>;
}

// A cell that reads as a number becomes one; any other text stays a string, so validation names it.
const numeric = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

/**
 * The records of a CSV file with a header row, mapped onto the labelled-line fields. `tags` is split on
 * `;`; `raters` comes from the mapped columns, or from a `raters` column split on `;`; an empty cell is an
 * absent field. Without an `id` column the id is the line number.
 */
export function csvRecords(text: string, mapping: ColumnMapping = {}): CsvRecord[] {
  // With `info`, csv-parse returns { record, info } per row; its typings describe the plain rows only.
  const rows = parse(text, { bom: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const [header, ...body] = rows;
  if (!header) return [];
  const columns = header.record.map((c) => c.trim());
  for (const names of Object.values(mapping)) {
    for (const c of names) if (!columns.includes(c)) throw new UsageError(`--columns: no column "${c}" in the CSV header (${columns.join(', ')})`);
  }
  return body.map(({ record, info }) => {
    const at = (column: string) => {
      const v = record[columns.indexOf(column)];
      return v === undefined || v === '' || !columns.includes(column) ? undefined : v;
    };
    const cell = (field: CsvField) => at(mapping[field]?.[0] ?? field);
    const value: Record<string, unknown> = { id: cell('id') ?? String(info.lines) };
    for (const f of ['questionId', 'question', 'referenceAnswer', 'answer'] as const) {
      const v = cell(f);
      if (v !== undefined) value[f] = v;
    }
    const score = cell('humanScore');
    if (score !== undefined) value.humanScore = numeric(score);
    const raters = mapping.raters ? mapping.raters.map(at).filter((v) => v !== undefined) : (cell('raters')?.split(';') ?? []);
    if (raters.length) value.raters = raters.map(numeric);
    const tags = cell('tags');
    if (tags !== undefined) value.tags = tags.split(';').map((t) => t.trim()).filter(Boolean);
    return { line: info.lines, value };
  });
}
