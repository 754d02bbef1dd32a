import type { Usage } from '../grading/grade-schema.js';

/**
 * The one seam between the LLM judge and a provider. The OpenAI-compatible adapter implements it; the
 * eval harness wraps it with a disk cache; tests replace it with a scripted fake.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type ResponseFormatMode = 'json_schema' | 'json_object' | 'text';

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  responseFormat: ResponseFormatMode;
  /** JSON Schema of the expected reply, sent with `json_schema` and used to validate any reply. */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
}

export interface ChatResponse {
  content: string | null;
  refusal: string | null;
  /** `stop`, `length` (truncated), `content_filter`, ... as the provider said. */
  finishReason: string | null;
  usage: Usage | null;
  /** The model that actually answered, as the provider reported it. */
  model: string;
}

export interface ChatCallOptions {
  signal?: AbortSignal;
}

export interface ChatCompleter {
  complete(request: ChatRequest, options?: ChatCallOptions): Promise<ChatResponse>;
}

/** One LLM call as the audit log and metrics see it. Never holds an API key. */
export interface LlmCallRecord {
  at: string;
  model: string;
  promptVersion: string;
  order: 'reference-first' | 'reference-last' | 'repair' | 'follow-up';
  questionId: string | null;
  request: ChatRequest;
  rawReply: string | null;
  finishReason: string | null;
  usage: Usage | null;
  latencyMs: number;
  /** Error kind and message when the call failed. */
  error: string | null;
}

/** Receives every LLM call; `grade()` callers pass one to tie calls to a turn, session or eval item. */
export type LlmCallSink = (record: LlmCallRecord) => void;
