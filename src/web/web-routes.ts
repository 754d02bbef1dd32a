import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import type { BankIndex } from '../bank/bank-index.js';
import type { Judge } from '../judge/judge.js';
import { ChatPage } from './page.js';

const STATIC_DIR = new URL('./static/', import.meta.url);

const JS = 'text/javascript; charset=utf-8';
/** Every file the page may load; anything else under /static is a 404. */
const ASSETS = {
  'chat.js': JS,
  'dom.js': JS,
  'grade-card.js': JS,
  'transcript.js': JS,
  'chat.css': 'text/css; charset=utf-8',
} as const;

// Scripts and styles only from this origin: even if candidate text ever reached the DOM as markup, an
// inline handler such as `onerror=` would not run.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(c: Context): void {
  c.header('Content-Security-Policy', CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
}

/** The web chat: the page at `/` and its static files (ES modules and a stylesheet), read once when the app is built. */
export function webRoutes(deps: { bank: BankIndex; judge: Pick<Judge, 'kind' | 'model' | 'promptVersion'> }) {
  const assets = new Map(
    Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(new URL(name, STATIC_DIR), 'utf8') }]),
  );
  const page = `<!doctype html>${String(ChatPage(deps))}`;

  return new Hono()
    .get('/', (c) => {
      secure(c);
      return c.html(page);
    })
    .get('/static/:name', (c) => {
      const asset = assets.get(c.req.param('name'));
      if (!asset) return c.notFound();
      secure(c);
      // Revalidate every time: the files are tiny and a stale script after an upgrade is worse.
      return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
    });
}
