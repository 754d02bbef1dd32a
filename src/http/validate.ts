import type { Context } from 'hono';
import type { z } from 'zod';
import { type FieldIssue, ValidationError } from '../errors.js';

/** Zod issues as `{ field, reason }` pairs a client can act on. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    field: i.path.map(String).join('.') || 'body',
    reason: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
}

/** Parse a value with a schema, or throw a `ValidationError` that names each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(fieldIssues(r.error));
  return r.data;
}

/** The request's JSON body, or a 400 when it is missing or malformed. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw new ValidationError([{ field: 'body', reason: 'must be a JSON object; the body is empty' }]);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError([{ field: 'body', reason: `malformed JSON: ${(err as Error).message}` }]);
  }
}

/** The request's JSON body, validated. */
export async function validBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await jsonBody(c));
}
