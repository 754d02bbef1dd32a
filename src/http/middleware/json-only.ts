import type { MiddlewareHandler } from 'hono';
import { UnsupportedMediaTypeError } from '../../errors.js';

export interface JsonOnlyOptions {
  /** A request with no body and no Content-Type passes too (a bare `curl -X POST`). Default false. */
  allowEmpty?: boolean;
}

/**
 * Accept only `application/json` (UTF-8) bodies on the route, 415 otherwise. A browser sends a cross-site
 * POST without a CORS preflight only as text/plain, form or multipart, so this also keeps other sites
 * from starting grades through a visitor's browser.
 */
export function jsonOnly(options: JsonOnlyOptions = {}): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('content-type');
    if (header === undefined) {
      if (options.allowEmpty && (await c.req.arrayBuffer()).byteLength === 0) return next();
      throw new UnsupportedMediaTypeError('content-type: must be application/json');
    }
    const [type = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
    if (type !== 'application/json') throw new UnsupportedMediaTypeError(`content-type: must be application/json, not ${JSON.stringify(type.slice(0, 100))}`);
    if (charset !== undefined && charset !== 'utf-8') throw new UnsupportedMediaTypeError('content-type: the charset must be utf-8');
    return next();
  };
}
