import type { Context } from 'hono';
import type { z } from 'zod';
import { type FieldIssue, ValidationError } from '../errors.js';
import { type CleanedInput, cleanUntrustedInput } from '../text/untrusted-input.js';

/** Where a validated value came from: names the fallback field and the wording of unknown keys. */
export type InputSource = 'body' | 'query';

/** Zod issues as `{ field, reason }` pairs a client can act on; each unknown key is its own issue. */
export function fieldIssues(error: z.ZodError, source: InputSource = 'body'): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === 'unrecognized_keys') {
      const what = source === 'query' ? 'query parameter' : 'field';
      return i.keys.map((k) => ({ field: [...at, k].join('.'), reason: `unknown ${what} ${JSON.stringify(k)}` }));
    }
    return [{ field: at.join('.') || source, reason: i.message }];
  });
}

/** Parse a value with a schema, or throw a `ValidationError` that names each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, source: InputSource = 'body'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(fieldIssues(r.error, source));
  return r.data;
}

/** The query string, validated; an unknown parameter is an issue named after it. */
export function validQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query');
}

// Fatal: bytes that are not UTF-8 are a 400, not silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The request body as text, or a 400 when it is not UTF-8. */
export async function bodyText(c: Context): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ValidationError([{ field: 'body', reason: 'is not valid UTF-8' }]);
  }
}

/** The request's JSON body, or a 400 when it is missing or malformed. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await bodyText(c);
  if (!text.trim()) throw new ValidationError([{ field: 'body', reason: 'must be a JSON object; the body is empty' }]);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError([{ field: 'body', reason: `malformed JSON: ${(err as Error).message}` }]);
  }
}

/**
 * The JSON body of a request carrying candidate or ad-hoc text: lone surrogates are a 400 naming the
 * field, invisible and control characters are removed (see `cleanUntrustedInput`). `empty` is what an
 * empty body stands for, when the route allows one.
 */
export async function untrustedJsonBody(c: Context, empty?: unknown): Promise<CleanedInput<unknown>> {
  if (empty !== undefined && !(await bodyText(c)).trim()) return { value: empty, cleaned: [] };
  return cleanUntrustedInput(await jsonBody(c));
}

