import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CoachError } from '../src/errors.js';
import type { ChatCallOptions, ChatCompleter, ChatRequest, ChatResponse } from '../src/judge/chat.js';
import { Usage } from '../src/grading/grade-schema.js';

/** `--replay` met a request with no recorded reply. The run stops: a replay must not call a provider. */
export class CacheMissError extends CoachError {
  override readonly code = 'cache_miss';
  constructor(
    readonly key: string,
    readonly model: string,
  ) {
    super(`replay: no cached reply for a ${model} request (key ${key.slice(0, 16)}); record it with a run without --replay`);
  }
}

const CachedResponse = z.object({
  content: z.string().nullable(),
  refusal: z.string().nullable(),
  finishReason: z.string().nullable(),
  usage: Usage.nullable(),
  model: z.string(),
});
const CacheEntry = z.object({ key: z.string(), savedAt: z.string(), request: z.unknown(), response: CachedResponse });

/**
 * The cache key: sha256 of everything that determines a reply. The rendered messages already contain the
 * prompt (so a prompt change is a new key) and the answer; sampling parameters and the reply format count
 * too. Keys are sorted so the same request always hashes the same.
 */
export function cacheKey(request: ChatRequest): string {
  const material = {
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: request.temperature,
    maxTokens: request.maxTokens,
    responseFormat: request.responseFormat,
    jsonSchema: request.jsonSchema ?? null,
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Record one reply under its key, as a live call would: the Batch API runner writes each answered request
 * here, so the run that follows reads it like any cached reply.
 */
export function writeCacheEntry(dir: string, key: string, request: ChatRequest, response: ChatResponse): void {
  const path = join(dir, key.slice(0, 2), `${key}.json`);
  mkdirSync(join(dir, key.slice(0, 2)), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ key, savedAt: new Date().toISOString(), request, response }, null, 1)}\n`);
  renameSync(tmp, path); // atomic: a concurrent reader sees the old file or the new one, never half of one
}

export interface CacheStats {
  /** Replies served from disk (or from an identical request already in flight). */
  hits: number;
  /** Calls that reached the provider. */
  providerCalls: number;
  /** Requests `--replay` found no reply for, and the key of the first one. */
  replayMisses: number;
  firstMissKey: string | null;
  /** Tokens of the provider calls made in this run. */
  freshUsage: Usage;
  /** Tokens of the replies served from the cache: what the cache saved. */
  cachedUsage: Usage;
}

export interface CachedChatOptions {
  /** Folder of the cache; null keeps nothing on disk and only counts calls (`--no-cache`). */
  dir: string | null;
  /** Serve from the cache only; a miss throws `CacheMissError` and never reaches `inner`. */
  replay?: boolean;
}

export interface CachedChat extends ChatCompleter {
  stats(): CacheStats;
}

/**
 * Wrap a `ChatCompleter` with a disk cache of replies, one JSON file per request. Only replies are cached;
 * a thrown provider error is not, so a rerun tries again. Identical requests in flight share one call.
 *
 * @example
 * const chat = createCachedChat(openAiChat, { dir: 'evals/cache' });
 */
export function createCachedChat(inner: ChatCompleter, options: CachedChatOptions): CachedChat {
  const { dir, replay = false } = options;
  const stats: CacheStats = {
    hits: 0,
    providerCalls: 0,
    replayMisses: 0,
    firstMissKey: null,
    freshUsage: { promptTokens: 0, completionTokens: 0 },
    cachedUsage: { promptTokens: 0, completionTokens: 0 },
  };
  const inFlight = new Map<string, Promise<ChatResponse>>();
  const pathOf = (key: string) => (dir ? join(dir, key.slice(0, 2), `${key}.json`) : null);
  const add = (to: Usage, u: Usage | null) => {
    to.promptTokens += u?.promptTokens ?? 0;
    to.completionTokens += u?.completionTokens ?? 0;
  };

  function read(key: string): ChatResponse | null {
    const path = pathOf(key);
    if (!path) return null;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return null;
    }
    try {
      const entry = CacheEntry.safeParse(JSON.parse(text));
      // A damaged entry is a miss; it is overwritten by the next recorded reply.
      return entry.success && entry.data.key === key ? entry.data.response : null;
    } catch {
      return null;
    }
  }

  function write(key: string, request: ChatRequest, response: ChatResponse): void {
    if (dir) writeCacheEntry(dir, key, request, response);
  }

  async function complete(request: ChatRequest, callOptions?: ChatCallOptions): Promise<ChatResponse> {
    const key = cacheKey(request);
    const cached = read(key);
    if (cached) {
      stats.hits++;
      add(stats.cachedUsage, cached.usage);
      return cached;
    }
    const pending = inFlight.get(key);
    if (pending) {
      const r = await pending;
      stats.hits++;
      add(stats.cachedUsage, r.usage);
      return r;
    }
    if (replay) {
      stats.replayMisses++;
      stats.firstMissKey ??= key;
      throw new CacheMissError(key, request.model);
    }
    const call = (async () => {
      stats.providerCalls++;
      const r = await inner.complete(request, callOptions);
      add(stats.freshUsage, r.usage);
      write(key, request, r);
      return r;
    })();
    inFlight.set(key, call);
    try {
      return await call;
    } finally {
      inFlight.delete(key);
    }
  }

  return { complete, stats: () => structuredClone(stats) };
}
