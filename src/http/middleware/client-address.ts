import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The address a request came from. Behind a reverse proxy (`trustProxy`), the last X-Forwarded-For entry:
 * the one the proxy appended for the peer it saw. Earlier entries are whatever the client sent, so a
 * client could rotate them to get a fresh rate-limit bucket on every request. Without a proxy, the
 * socket's peer, since a client can write any header it likes.
 */
export function clientAddress(trustProxy: boolean) {
  return (c: Context): string => {
    if (trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
      if (forwarded) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      // app.request() in tests has no socket.
      return 'local';
    }
  };
}
