import { z } from 'zod';
import { Usage } from '../grading/grade-schema.js';
import type { LlmCallRecord } from '../judge/chat.js';
import type { Db } from './db.js';
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
  insert(turnId: string | null, call: LlmCallRecord): number;
  byTurn(turnId: string): StoredLlmCall[];
}

/** The append-only audit log of LLM calls. */
export function createLlmCallsRepo(db: Db): LlmCallsRepo {
  const insert = db.prepare(
    `INSERT INTO llm_calls (turn_id, at, model, prompt_version, call_order, question_id, request, raw_reply,
                            finish_reason, prompt_tokens, completion_tokens, latency_ms, error)
     VALUES (@turnId, @at, @model, @promptVersion, @order, @questionId, @request, @rawReply, @finishReason,
             @promptTokens, @completionTokens, @latencyMs, @error)`,
  );
  const byTurn = db.prepare('SELECT * FROM llm_calls WHERE turn_id = ? ORDER BY id');

  return {
    insert(turnId, call) {
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
      const result = insert.run({
        turnId,
        at: call.at,
        model: call.model,
        promptVersion: call.promptVersion,
        order: call.order,
        questionId: call.questionId,
        request: redactSecrets(JSON.stringify(request)),
        rawReply: redactNullable(call.rawReply),
        finishReason: call.finishReason,
        promptTokens: call.usage?.promptTokens ?? null,
        completionTokens: call.usage?.completionTokens ?? null,
        latencyMs: Math.max(0, Math.round(call.latencyMs)),
        error: redactNullable(call.error),
      });
      return Number(result.lastInsertRowid);
    },
    byTurn: (turnId) => byTurn.all(turnId).map((row) => parseRow('llm_calls', LlmCallRow, row)),
  };
}
