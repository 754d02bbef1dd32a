/**
 * What a provider's error says, whatever shape it comes in, and what kind of trouble it describes.
 *
 * Shapes seen from OpenAI-compatible servers:
 * - OpenAI, Azure, Groq, OpenRouter, Mistral, Anthropic: `{ "error": { "message", "type", "code", "param" } }`
 * - Gemini's OpenAI endpoint: `[{ "error": { "code", "message", "status" } }]` (an array)
 * - vLLM: flat `{ "object": "error", "message", "type", "param", "code" }`
 * - FastAPI-based servers: `{ "detail": "..." }` or `{ "detail": [{ "loc", "msg" }] }`
 * - llama.cpp, Ollama: `{ "error": { "message", ... } }` or `{ "error": "text" }`
 * - a proxy: plain text or HTML
 */

export interface ProviderError {
  message: string;
  code?: string;
  param?: string;
  type?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : undefined);

/** The error in a parsed error body, or null when the body holds none. */
export function errorOfJson(json: unknown): ProviderError | null {
  if (Array.isArray(json)) return json.length ? errorOfJson(json[0]) : null;
  if (typeof json !== 'object' || json === null) return null;
  const o = json as Record<string, unknown>;
  if (typeof o.error === 'string') return { message: o.error };
  if (typeof o.error === 'object' && o.error !== null) {
    const e = o.error as Record<string, unknown>;
    const meta = typeof e.metadata === 'object' && e.metadata !== null ? (e.metadata as Record<string, unknown>) : {};
    // OpenRouter puts the upstream provider's own words in metadata.raw.
    const raw = str(meta.raw);
    const message = str(e.message) ?? (raw ? undefined : JSON.stringify(e).slice(0, 500));
    return compact<ProviderError>({ message: [message, raw].filter(Boolean).join(': ') || 'unknown error', code: str(e.code), param: str(e.param), type: str(e.type) ?? str(e.status) });
  }
  if (o.object === 'error' || (str(o.message) && ('type' in o || 'code' in o))) {
    return compact<ProviderError>({ message: str(o.message) ?? 'unknown error', code: str(o.code), param: str(o.param), type: str(o.type) });
  }
  if (typeof o.detail === 'string') return { message: o.detail };
  if (Array.isArray(o.detail)) {
    const parts = o.detail
      .map((d) => (typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {}))
      .map((d) => [Array.isArray(d.loc) ? d.loc.join('.') : '', str(d.msg) ?? ''].filter(Boolean).join(': '))
      .filter(Boolean);
    if (parts.length) return { message: parts.join('; ') };
  }
  if (str(o.message)) return { message: str(o.message) as string };
  return null;
}

/** The error in a raw error body (JSON of any shape above, or text). */
export function errorOfText(text: string): ProviderError | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    return errorOfJson(JSON.parse(trimmed));
  } catch {
    // Not JSON: an HTML page from a proxy says more with its tags removed.
    const plain = trimmed.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    return plain ? { message: plain.slice(0, 500) } : null;
  }
}

// Optional fields are left out rather than set to undefined.
function compact<T extends object>(e: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as T;
}

const textOf = (e: ProviderError) => [e.message, e.code, e.param, e.type].filter(Boolean).join(' ');

/**
 * A refusal of the requested output format (json_schema unsupported, a schema keyword or grammar the server
 * cannot compile), as opposed to a failed generation or any other bad request.
 */
export function isFormatRefusal(e: ProviderError): boolean {
  if (isGenerationFailure(e) || isContextLength(e)) return false;
  const t = textOf(e);
  return (
    /response[_ ]?format|json[_ ]?schema|json_object|structured output|guided[_ ]?(json|decoding)|grammar|gbnf|xgrammar|outlines/i.test(t) ||
    /(additionalProperties|anyOf|oneOf|allOf|\$ref|\$defs|patternProperties|minItems|maxItems)/.test(t) ||
    /\bschema\b/i.test(t)
  );
}

/** The model produced output that failed the server's own JSON validation (Groq's `json_validate_failed`). */
export function isGenerationFailure(e: ProviderError): boolean {
  return /json_validate_failed|failed_generation|failed to generate json|tool_use_failed/i.test(textOf(e));
}

/** The prompt plus the requested completion do not fit the model's context window. */
export function isContextLength(e: ProviderError): boolean {
  return /context[_ ]length|context window|maximum context|context_length_exceeded|too (large|long) for (the )?model|model_length|exceeds? (the )?(max(imum)? )?(context|token)/i.test(
    textOf(e),
  );
}

/**
 * The numbers a context-length error gives, when it gives them: the model's context and the prompt's size.
 * vLLM and OpenAI: "maximum context length is 4096 tokens. However, you requested 5000 tokens (3500 in the
 * messages, 1500 in the completion)". Mistral: "Prompt contains 5000 tokens ... too large for model with
 * 4096 maximum context length". llama.cpp: "the request exceeds the available context size (4096 tokens)".
 */
export function contextNumbers(e: ProviderError): { context?: number; prompt?: number } {
  const t = e.message;
  const num = (re: RegExp) => {
    const m = re.exec(t);
    return m?.[1] ? Number(m[1]) : undefined;
  };
  const context =
    num(/maximum context length is (\d+)/i) ??
    num(/(\d+) maximum context length/i) ??
    num(/context (?:size|window|length)[^\d]{0,20}(\d+)/i);
  const prompt = num(/(\d+) (?:tokens )?in the messages/i) ?? num(/prompt contains (\d+) tokens/i) ?? num(/(\d+) input tokens/i);
  return compact<{ context?: number; prompt?: number }>({ context, prompt });
}

/**
 * The request parameter a 400 refuses, among those the judge can do without or rename: OpenAI's reasoning
 * models refuse `max_tokens` ("Use 'max_completion_tokens' instead") and any non-default `temperature` or
 * `top_p` ("Unsupported value: 'temperature' does not support 0 with this model").
 */
export function refusedParam(e: ProviderError): 'max_tokens' | 'temperature' | 'top_p' | null {
  const t = textOf(e);
  // A value the model refuses outright, not one that is merely too large ("max_tokens is too large").
  const said = `${e.message} ${e.code ?? ''}`;
  if (!/unsupported|not supported|does not support|is not allowed|unrecognized|unknown (parameter|field|name)|not permitted|only the default|extra inputs are not permitted/i.test(said)) return null;
  if (e.param === 'max_tokens' || /'max_tokens'|"max_tokens"|\bmax_tokens\b.*max_completion_tokens/i.test(t)) return 'max_tokens';
  if (e.param === 'temperature' || /'temperature'|"temperature"|\btemperature\b/i.test(t)) return 'temperature';
  if (e.param === 'top_p' || /'top_p'|"top_p"|\btop_p\b/i.test(t)) return 'top_p';
  return null;
}
