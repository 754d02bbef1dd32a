import { z } from 'zod';
import { Usage } from '../grading/grade-schema.js';
import type { LlmCallRecord } from '../judge/chat.js';
import type { Executor } from './tables.js';
import { jsonColumn, parseRow } from './json-column.js';
import { redactNullable, redactSecrets } from './redact.js';

/** The parts of a chat request the audit log keeps: what the model was asked, never how it was reached. */
const StoredChatRequest = z.object({
  model: z.string(),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  temperature: z.number(),
  maxTokens: z.number(),
  responseFormat: z.enum(['json_schema', 'json_object', 'text']),
  jsonSchema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()) }).optional(),
});

const CallOrder = z.enum(['reference-first', 'reference-last', 'repair', 'follow-up']);

const LlmCallRow = z
  .object({
    id: z.number().int(),
    turn_id: z.string().nullable(),
    at: z.string(),
    model: z.string(),
    prompt_version: z.string(),
    call_order: CallOrder,
    question_id: z.string().nullable(),
    request: jsonColumn(StoredChatRequest),
    raw_reply: z.string().nullable(),
    finish_reason: z.string().nullable(),
    prompt_tokens: z.number().int().nullable(),
    completion_tokens: z.number().int().nullable(),
    latency_ms: z.number().int(),
    error: z.string().nullable(),
  })
  .transform((r) => ({
    id: r.id,
    turnId: r.turn_id,
    at: r.at,
    model: r.model,
    promptVersion: r.prompt_version,
    order: r.call_order,
    questionId: r.question_id,
    request: r.request,
    rawReply: r.raw_reply,
    finishReason: r.finish_reason,
    usage:
      r.prompt_tokens === null || r.completion_tokens === null
        ? null
        : Usage.parse({ promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens }),
    latencyMs: r.latency_ms,
    error: r.error,
  }));
/** One audited LLM call as read back from the store. */
export type StoredLlmCall = z.output<typeof LlmCallRow>;

export interface LlmCallsRepo {
  /** Append one call to the audit log, tied to the turn it graded (null when it graded no turn). */
  insert(turnId: string | null, call: LlmCallRecord): Promise<number>;
  byTurn(turnId: string): Promise<StoredLlmCall[]>;
}

/** The append-only audit log of LLM calls. */
export function createLlmCallsRepo(db: Executor): LlmCallsRepo {
  return {
    async insert(turnId, call) {
      // Copy the known request fields one by one, so nothing else the caller attached is ever persisted.
      const { model, messages, temperature, maxTokens, responseFormat, jsonSchema } = call.request;
      const request = StoredChatRequest.parse({
        model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        temperature,
        maxTokens,
        responseFormat,
        ...(jsonSchema ? { jsonSchema } : {}),
      });
      const row = await db
        .insertInto('llm_calls')
        .values({
          turn_id: turnId,
          at: call.at,
          model: call.model,
          prompt_version: call.promptVersion,
          call_order: call.order,
          question_id: call.questionId,
          request: redactSecrets(JSON.stringify(request)),
          raw_reply: redactNullable(call.rawReply),
          finish_reason: call.finishReason,
          prompt_tokens: call.usage?.promptTokens ?? null,
          completion_tokens: call.usage?.completionTokens ?? null,
          latency_ms: Math.max(0, Math.round(call.latencyMs)),
          error: redactNullable(call.error),
        })
        .returning('id')
        .executeTakeFirstOrThrow();

      return Number(row.id);
    },
    byTurn: async (turnId) =>
      (await db.selectFrom('llm_calls').selectAll().where('turn_id', '=', turnId).orderBy('id').execute()).map((row) => parseRow('llm_calls', LlmCallRow, row)),
  };
}
