import { z } from 'zod';
import type { ChatRequest } from '../../src/judge/chat.js';
import { toRequestBody } from '../../src/judge/llm/openai-completer.js';

/** The one endpoint the judge's requests go to, in a batch as live. */
export const BATCH_ENDPOINT = '/v1/chat/completions';

/**
 * One line of a Batch API input file. `custom_id` is the reply-cache key of the request, so a line of the
 * output file goes straight back into the cache under the key the judge will look up.
 */
export const BatchInputLine = z.object({
  custom_id: z.string().min(1),
  method: z.literal('POST'),
  url: z.literal(BATCH_ENDPOINT),
  body: z.record(z.string(), z.unknown()),
});
export type BatchInputLine = z.infer<typeof BatchInputLine>;

/**
 * One line of a Batch API output or error file, as documented: `response` holds the HTTP status and the
 * body the endpoint would have answered live; `error` is set when the request was never run (expired,
 * cancelled, malformed line).
 */
export const BatchOutputLine = z.object({
  id: z.string().optional(),
  custom_id: z.string().min(1),
  response: z
    .object({
      status_code: z.number().int(),
      request_id: z.string().optional(),
      body: z.unknown(),
    })
    .nullable()
    .optional(),
  error: z
    .object({ code: z.string().nullable().optional(), message: z.string().nullable().optional() })
    .nullable()
    .optional(),
});
export type BatchOutputLine = z.infer<typeof BatchOutputLine>;

/**
 * The input file for `requests`, keyed by their cache keys: one JSON object a line, each body built as the
 * live call would build it (by default with nothing learned about the model).
 */
export function batchInputFile(requests: ReadonlyMap<string, ChatRequest>, bodyOf: (r: ChatRequest) => Record<string, unknown> = (r) => toRequestBody(r)): string {
  const lines: string[] = [];
  for (const [key, request] of requests) {
    const line: BatchInputLine = { custom_id: key, method: 'POST', url: BATCH_ENDPOINT, body: { ...bodyOf(request) } };
    lines.push(JSON.stringify(line));
  }
  return `${lines.join('\n')}\n`;
}

export interface ParsedOutput {
  lines: BatchOutputLine[];
  /** Lines that are not what the Batch API writes, with their numbers: reported, never guessed at. */
  invalid: { line: number; reason: string }[];
}

/** Parse an output or error file. Blank lines are skipped. */
export function parseBatchOutput(text: string): ParsedOutput {
  const lines: BatchOutputLine[] = [];
  const invalid: ParsedOutput['invalid'] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      invalid.push({ line: i + 1, reason: 'not JSON' });
      return;
    }
    const parsed = BatchOutputLine.safeParse(json);
    if (parsed.success) lines.push(parsed.data);
    else invalid.push({ line: i + 1, reason: z.prettifyError(parsed.error).replace(/\n/g, ' ') });
  });
  return { lines, invalid };
}
