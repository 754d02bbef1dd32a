import { z } from 'zod';
import { issuesLine } from '../text/zod-issues.js';

/**
 * A TEXT column holding JSON, parsed and then validated by `schema`, so rows never reach the app through an
 * unchecked cast. A malformed value fails the row's parse like any other invalid column.
 */
export function jsonColumn<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** Parse a row with its schema; a row that does not match is a corrupted database, reported with the table. */
export function parseRow<S extends z.ZodType>(table: string, schema: S, row: unknown): z.infer<S> {
  const r = schema.safeParse(row);
  if (!r.success) {
    const issues = issuesLine(r.error);
    throw new Error(`corrupted ${table} row: ${issues}`);
  }
  return r.data;
}
