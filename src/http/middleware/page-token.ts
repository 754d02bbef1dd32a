import { createHmac, randomBytes } from 'node:crypto';
import { matchesAny } from './constant-time.js';

/**
 * Short-lived tokens the server embeds in the chat page, so the page on the same origin can call the
 * session API when API keys are required, without a key ever reaching the browser. A token grants what the
 * page can do (the session routes) and nothing else, and expires.
 */
export interface PageTokens {
  issue(): string;
  verify(token: string): boolean;
}

export interface PageTokenOptions {
  /** HMAC secret; a random one per process by default, so tokens do not survive a restart. */
  secret?: Buffer;
  /** Lifetime of a token. Default 12 hours. */
  ttlMs?: number;
  now?: () => number;
}

export function createPageTokens(options: PageTokenOptions = {}): PageTokens {
  const secret = options.secret ?? randomBytes(32);
  const ttl = options.ttlMs ?? 12 * 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const sign = (expires: string) => createHmac('sha256', secret).update(`page:${expires}`).digest('base64url');
  return {
    issue() {
      const expires = String(now() + ttl);
      return `page.${expires}.${sign(expires)}`;
    },
    verify(token) {
      // Exactly what `issue` writes: anything before, after or inside it (`<token>.extra`) is not a token.
      const m = /^page\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
      const expires = m?.[1];
      const mac = m?.[2];
      if (!expires || !mac) return false;
      if (Number(expires) < now()) return false;
      return matchesAny(mac, [sign(expires)]);
    },
  };
}
