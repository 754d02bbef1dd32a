import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { BankIndex } from '../bank/bank-index.js';
import type { Judge } from '../judge/judge.js';
import { NotFoundError } from '../errors.js';
import { ChatPage } from './page.js';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

const JS = 'text/javascript; charset=utf-8';
/** Every file the page may load; anything else under /static is a 404. */
export const ASSETS = {
  'chat.js': JS,
  'composer.js': JS,
  'countdown.js': JS,
  'dom.js': JS,
  'grade-card.js': JS,
  'profile.js': JS,
  'setup.js': JS,
  'summary.js': JS,
  'text-limit.js': JS,
  'transcript.js': JS,
  'waiting.js': JS,
  'chat.css': 'text/css; charset=utf-8',
} as const;

/** The web chat: the page at `/` and its static files (ES modules and a stylesheet). */
export function webRoutes(deps: {
  bank: BankIndex;
  judge: Pick<Judge, 'kind' | 'model' | 'promptVersion'>;
  /** When the API requires keys: a fresh short-lived token for each page, which the page's script sends. */
  pageToken?: (() => string) | null;
}) {
  const page = `<!doctype html>${String(ChatPage(deps))}`;
  const pageToken = deps.pageToken;

  return new Hono()
    // The app's security headers (CSP and the rest) apply to these responses too.
    .get('/', (c) => c.html(pageToken ? `<!doctype html>${String(ChatPage({ ...deps, apiToken: pageToken() }))}` : page))
    .get(
      '/static/:name',
      (c, next) => {
        const name = c.req.param('name');
        if (!Object.hasOwn(ASSETS, name)) throw new NotFoundError(`name: no file ${JSON.stringify(name.slice(0, 100))}`);
        // Revalidate every time: the files are tiny and a stale script after an upgrade is worse. Set before
        // serveStatic answers: a header set in its onFound misses a response an earlier middleware has touched.
        c.header('Cache-Control', 'no-cache');
        return next();
      },
      // Content-Type from hono's table: the same `text/javascript; charset=utf-8` and `text/css; charset=utf-8`.
      serveStatic({ root: STATIC_DIR, rewriteRequestPath: (path) => path.replace(/^\/static\//, ''), onNotFound: (_path, c) => c.header('Cache-Control', undefined) }),
    );
}
