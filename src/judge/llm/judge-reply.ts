import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { Verdict } from '../../grading/grade-schema.js';

/**
 * The judge's reply. Field order is the order the model writes in: reasoning first, then the per-point
 * verdicts with their quotes, and the score last, so the score is conditioned on the reasoning.
 */
export const JudgeReply = z.object({
  reasoning: z.string(),
  keyPoints: z.array(
    z.object({
      id: z.string(),
      /** Verbatim excerpt of the candidate answer; null for a missing point. */
      quote: z.string().nullable(),
      verdict: Verdict,
    }),
  ),
  mistakes: z.array(z.string()),
  manipulationAttempt: z.boolean(),
  followUp: z.object({ keyPointId: z.string(), question: z.string() }).nullable(),
  score: z.number().int().min(1).max(5),
});
export type JudgeReply = z.infer<typeof JudgeReply>;

/** Reply of the small follow-up call. */
export const FollowUpReply = z.object({ question: z.string() });
export type FollowUpReply = z.infer<typeof FollowUpReply>;

/** JSON Schema of a reply, built from the zod schema by the SDK's helper (strict, as json_schema needs). */
export function jsonSchemaOf(schema: z.ZodType, name: string): { name: string; schema: Record<string, unknown> } {
  const format = zodResponseFormat(schema, name);
  return { name, schema: format.json_schema.schema ?? {} };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Parse a model's text as a value of `schema`. The whole text is tried first (json_schema and
 * json_object replies); otherwise every top-level `{...}` in it is a candidate, the LAST valid one wins,
 * so a verdict echoed from the candidate's answer earlier in a plain-text reply cannot be the one used.
 */
export function parseReply<T>(text: string | null, schema: z.ZodType<T>): Parsed<T> {
  if (!text?.trim()) return { ok: false, problem: 'the reply is empty' };
  const whole = tryJson(text.trim());
  const candidates = whole.ok ? [text.trim()] : jsonObjectsIn(text);
  if (candidates.length === 0) {
    const started = /^\s*(```\w*\s*)?[{[]/.test(text);
    return { ok: false, problem: started && !whole.ok ? `the JSON is malformed: ${whole.problem}` : 'the reply contains no JSON object' };
  }
  let firstProblem: string | null = null;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const json = tryJson(candidates[i] ?? '');
    if (!json.ok) {
      firstProblem ??= `the JSON is malformed: ${json.problem}`;
      continue;
    }
    const r = schema.safeParse(json.value);
    if (r.success) return { ok: true, value: r.data };
    firstProblem ??= `the JSON does not match the schema: ${r.error.issues
      .slice(0, 5)
      .map((iss) => `${iss.path.join('.') || 'reply'}: ${iss.message}`)
      .join('; ')}`;
  }
  return { ok: false, problem: firstProblem ?? 'the reply contains no usable JSON object' };
}

/** A problem with the key points of a schema-valid reply: each rubric id exactly once, no others. */
export function keyPointProblem(reply: JudgeReply, ids: readonly string[]): string | null {
  const seen = new Map<string, number>();
  for (const k of reply.keyPoints) seen.set(k.id, (seen.get(k.id) ?? 0) + 1);
  const missing = ids.filter((id) => !seen.has(id));
  const unknown = [...seen.keys()].filter((id) => !ids.includes(id));
  const repeated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const parts = [
    missing.length ? `missing key point(s) ${missing.join(', ')}` : '',
    unknown.length ? `unknown key point id(s) ${unknown.join(', ')}` : '',
    repeated.length ? `key point(s) given more than once: ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? `${parts.join('; ')} (expected exactly: ${ids.join(', ')})` : null;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
}

/** Every balanced top-level `{...}` span in a text, strings and escapes respected. */
export function jsonObjectsIn(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"' && depth > 0) inString = true;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0) out.push(text.slice(start, i + 1));
    }
  }
  return out;
}
