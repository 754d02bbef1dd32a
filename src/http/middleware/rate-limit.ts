import type { Context, MiddlewareHandler } from 'hono';
import { RateLimitedError } from '../../errors.js';

/**
 * Token buckets keyed by client: each holds up to `perMinute` tokens and refills continuously, so a client
 * may burst to its limit and then proceeds at the steady rate.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerMs: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    /** Buckets beyond this count are pruned of full (idle) ones, bounding memory under many clients. */
    private readonly maxClients = 100_000,
  ) {
    this.ratePerMs = perMinute / 60_000;
  }

  /** Take one token for `key`: 0 when granted, else the seconds until one is available. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: t };
    b.tokens = this.level(b, t);
    b.at = t;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= this.maxClients) this.prune();
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return this.secondsToOne(b.tokens);
  }

  /** Seconds until `key` could take a token (0 when it can now), without taking one. */
  wait(key: string): number {
    const b = this.buckets.get(key);
    const tokens = b ? this.level(b, this.now()) : this.perMinute;
    return tokens >= 1 ? 0 : this.secondsToOne(tokens);
  }

  private level(b: { tokens: number; at: number }, t: number): number {
    return Math.min(this.perMinute, b.tokens + (t - b.at) * this.ratePerMs);
  }

  private secondsToOne(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.ratePerMs / 1000));
  }

  get size(): number {
    return this.buckets.size;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, b] of this.buckets) {
      if (b.tokens + (t - b.at) * this.ratePerMs >= this.perMinute) this.buckets.delete(k);
    }
    // Still full (a flood of distinct clients): drop the oldest tenth, so memory stays bounded and the
    // scan above runs once per many new clients rather than on every one.
    if (this.buckets.size >= this.maxClients) {
      let drop = Math.max(1, Math.ceil(this.maxClients / 10));
      for (const k of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}

/** Grading spends judge (and LLM) time; everything else under /api is a read. Each route names its class. */
export type RateClass = 'grading' | 'read';

/**
 * Answer 429 with `Retry-After` once a client has spent its bucket of this class; grading and reads are
 * counted apart. Mounted per route, with the route's class.
 */
export function rateLimit(kind: RateClass, buckets: TokenBuckets, clientKey: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    const wait = buckets.take(`${kind}:${clientKey(c)}`);
    c.header('RateLimit-Policy', `${buckets.perMinute};w=60`);
    if (wait > 0) {
      throw new RateLimitedError(`too many ${kind} requests: the limit is ${buckets.perMinute} a minute; retry in ${wait} s`, wait);
    }
    return next();
  };
}
