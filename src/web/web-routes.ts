import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { BankIndex } from '../bank/bank-index.js';
import type { Judge } from '../judge/judge.js';
import { NotFoundError } from '../errors.js';
import { ChatPage } from './page.js';

const STATIC_DIR = new URL('./static/', import.meta.url);

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

/** The web chat: the page at `/` and its static files (ES modules and a stylesheet), read once when the app is built. */
export function webRoutes(deps: {
  bank: BankIndex;
  judge: Pick<Judge, 'kind' | 'model' | 'promptVersion'>;
  /** When the API requires keys: a fresh short-lived token for each page, which the page's script sends. */
  pageToken?: (() => string) | null;
}) {
  const assets = new Map(
    Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(new URL(name, STATIC_DIR), 'utf8') }]),
  );
  const page = `<!doctype html>${String(ChatPage(deps))}`;
  const pageToken = deps.pageToken;

  return new Hono()
    // The app's security headers (CSP and the rest) apply to these responses too.
    .get('/', (c) => c.html(pageToken ? `<!doctype html>${String(ChatPage({ ...deps, apiToken: pageToken() }))}` : page))
    .get('/static/:name', (c) => {
      const asset = assets.get(c.req.param('name'));
      if (!asset) throw new NotFoundError(`name: no file ${JSON.stringify(c.req.param('name').slice(0, 100))}`);
      // Revalidate every time: the files are tiny and a stale script after an upgrade is worse.
      return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
    });
}
