import { Hono, type MiddlewareHandler } from 'hono';
import { CoachError } from '../errors.js';
import type { PracticeService } from '../sessions/practice-service.js';
import { CandidateId } from '../sessions/schemas.js';
import { HistoryMessage, HistoryPage } from './history-page.js';

/** Stylesheet of the history page: served from here, since the page's CSP allows styles of this server only. */
const CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#111;background:#fff}
main{max-width:48rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.5rem}
.chart{margin:0}.chart .plot{width:100%;height:auto;max-height:22rem}.legend svg{vertical-align:-1px}
.legend{list-style:none;padding:0;margin:.5rem 0}.legend li{margin:.2rem 0}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;overflow-wrap:normal;word-break:normal;hyphens:manual}
.when{white-space:nowrap}.note{color:#444;margin:0 0 .5rem}
.missed li{margin:.3rem 0}.count{color:#555}
a:focus-visible{outline:3px solid #0072B2;outline-offset:2px}
@media (max-width:30rem){main{padding:.75rem}th,td{padding:.3rem .2rem;font-size:.85rem}}`;

/** Without `?candidate=`: the id the chat keeps in this browser, if any, and a reload with it. Same origin only. */
const RESTORE_JS = `const id = localStorage.getItem('coach.candidateId');
if (id && /^[0-9a-f-]{36}$/i.test(id)) location.replace('/history?candidate=' + encodeURIComponent(id));`;

const page = (node: unknown) => `<!doctype html>${String(node)}`;

/** `GET /history`: the server-rendered practice history of one candidate, with its chart. */
export function historyRoutes(practice: PracticeService, guard?: MiddlewareHandler) {
  // Counted like an API read, so the page is no way around the read rate limit.
  const limit: MiddlewareHandler = guard ?? ((_c, next) => next());
  return new Hono()
    .get('/history', limit, async (c) => {
      c.header('cache-control', 'no-store');
      const raw = c.req.query('candidate');
      if (raw === undefined || raw === '') {
        return c.html(page(HistoryMessage({ heading: 'No practice yet', text: 'Start a session in the chat; this page then shows your history.', restore: true })));
      }
      const id = CandidateId.safeParse(raw);
      if (!id.success) return c.html(page(HistoryMessage({ heading: 'Not a practice id', text: 'candidate: must be a UUID, as the chat makes.' })), 400);
      try {
        return c.html(page(HistoryPage({ profile: await practice.profile(id.data) })));
      } catch (err) {
        if (err instanceof CoachError && err.status === 404) {
          return c.html(page(HistoryMessage({ heading: 'No practice yet', text: 'No session was started with this id.' })), 404);
        }
        throw err;
      }
    })
    .get('/history.css', (c) => c.body(CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }))
    .get('/history.js', (c) => c.body(RESTORE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
}
