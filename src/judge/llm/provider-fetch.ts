import { errorOfText, isFormatRefusal } from './provider-errors.js';

/**
 * The SDK has no retry hook, but numbers each HTTP attempt of one call in this header (0 for the first);
 * an attempt numbered 1 or more is a retry.
 */
export const RETRY_COUNT_HEADER = 'x-stainless-retry-count';

/** Set on a reply whose body was over the byte limit; the body is then dropped. */
export const REPLY_TOO_LARGE_HEADER = 'x-coach-reply-too-large';

/** Most bytes of an error body read: enough for any provider's message, never a 20 MB page. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface ProviderFetchOptions {
  /** The fetch to call, looked up on every call so an interceptor installed later still applies. */
  inner: () => typeof fetch;
  /** Most bytes read from a successful reply (`LLM_MAX_REPLY_BYTES`). */
  maxReplyBytes: number;
  /** Told about every HTTP attempt beyond the first of one call, i.e. each retry the client makes. */
  onRetry?: (retry: number) => void;
}

/**
 * The `fetch` the SDK client calls. It makes one HTTP attempt and reads the whole body before returning, so
 * the SDK's per-attempt timeout (whose timer runs until this function returns) bounds the headers AND the
 * body: a provider that sends headers and then trickles bytes is cut at `LLM_TIMEOUT_MS` like one that never
 * answers, and the SDK retries it as a timeout. It also:
 * - reads at most `maxReplyBytes` of a reply (over it: an empty body and `REPLY_TOO_LARGE_HEADER`);
 * - reads at most `MAX_ERROR_BODY_BYTES` of an error, and rewrites any provider's error shape (Gemini's array,
 *   vLLM's flat object, FastAPI's `detail`, text) as `{ error: { message, code, param, type } }`, the only
 *   shape the SDK reads a message from;
 * - turns an HTTP 200 whose body is `{ error }` without `choices` (OpenRouter, when generation failed after the
 *   headers were sent) into the 502 it is, which the SDK retries;
 * - marks a 5xx that refuses the output format (old llama.cpp) as not worth retrying: the judge steps down
 *   the format ladder instead.
 */
export function providerFetch(options: ProviderFetchOptions): typeof fetch {
  const { inner, maxReplyBytes, onRetry } = options;
  return async (input, init) => {
    const retry = Number(new Headers(init?.headers).get(RETRY_COUNT_HEADER) ?? 0);
    if (onRetry && Number.isInteger(retry) && retry > 0) {
      try {
        onRetry(retry);
      } catch {
        // A metrics sink that throws must not fail the call.
      }
    }
    const signal = init?.signal ?? undefined;
    const response = await inner().call(globalThis, input, init);
    const limit = response.ok ? maxReplyBytes : MAX_ERROR_BODY_BYTES;
    const { bytes, over } = await readCapped(response.body, limit, signal);
    const headers = new Headers(response.headers);
    // The body handed on is the decoded, possibly rewritten one.
    headers.delete('content-length');
    headers.delete('content-encoding');
    if (response.ok) {
      if (over) {
        headers.set(REPLY_TOO_LARGE_HEADER, String(maxReplyBytes));
        return new Response(null, { status: response.status, headers });
      }
      const text = new TextDecoder().decode(bytes);
      const errorInOk = errorInSuccess(text);
      if (errorInOk) {
        headers.set('content-type', 'application/json');
        return new Response(JSON.stringify({ error: errorInOk }), { status: 502, statusText: 'Bad Gateway', headers });
      }
      return new Response(text, { status: response.status, statusText: response.statusText, headers });
    }
    const text = new TextDecoder().decode(bytes);
    const error = errorOfText(text) ?? { message: `${response.status} ${response.statusText || 'error'} (no message)` };
    headers.set('content-type', 'application/json');
    if (response.status >= 500 && isFormatRefusal(error)) headers.set('x-should-retry', 'false');
    return new Response(JSON.stringify({ error }), { status: response.status, statusText: response.statusText, headers });
  };
}

// A chat completion has `choices`; a body with `error` and no `choices` is a failure whatever the status.
function errorInSuccess(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.choices) && o.choices.length > 0) return null;
  if (!('error' in o) || o.error === null || o.error === undefined) return null;
  return errorOfText(text);
}

/**
 * Read a body up to `limit` bytes, giving up as soon as `signal` fires. Racing the signal matters: a body
 * stream that is not tied to the request (an interceptor's, a proxy's) would otherwise keep the read alive.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; over: boolean }> {
  if (!body) return { bytes: new Uint8Array(), over: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  let settled = false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal?.reason));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) {
        settled = true;
        break;
      }
      const room = limit - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, Math.max(0, room)));
        size = limit;
        over = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (!settled) reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, over };
}

// The SDK tells a timeout from a connection failure by the name `AbortError`.
function abortError(reason: unknown): Error {
  const e = new Error(reason instanceof Error ? reason.message : 'the request was aborted', { cause: reason });
  e.name = 'AbortError';
  return e;
}
