import { inspect } from 'node:util';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { BankIndex } from '../bank/bank-index.js';
import type { GradeFn } from '../grading/grade.js';
import type { Judge } from '../judge/judge.js';
import type { Metrics } from '../observability/metrics.js';
import type { RandomSource } from '../sessions/plan.js';
import { createSessionService, type SessionService } from '../sessions/session-service.js';
import { redactSecrets } from '../store/redact.js';
import type { Store } from '../store/store.js';
import { webRoutes, webSpecs } from '../web/web-routes.js';
import { createOnError, type ErrorLogger } from './on-error.js';
import { buildOpenApiDocument } from './openapi/document.js';
import type { RouteSpec } from './openapi/route-spec.js';
import { docsRoutes, docsSpecs } from './routes/docs.js';
import { gradeRoutes, gradeSpecs } from './routes/grade.js';
import { questionRoutes, questionSpecs } from './routes/questions.js';
import { type MonitoringDeps, metricsRoutes, metricsSpecs, monitoringRoutes, monitoringSpecs } from './routes/monitoring.js';
import { Health } from './schemas.js';
import { installSecurity, type SecurityDeps, securityHeaders } from './security.js';
import { sessionRoutes, sessionSpecs } from './routes/sessions.js';
import { turnRoutes, turnSpecs } from './routes/turns.js';

export interface AppDeps {
  bank: BankIndex;
  /** The shared `grade()`; the app never talks to a judge directly. */
  grade: GradeFn;
  /** The judge behind `grade`, for reporting which one is serving. */
  judge: Pick<Judge, 'kind' | 'model' | 'promptVersion'>;
  /** Largest request body accepted on any route, in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Where unexpected errors go. Default: `console.error`. */
  logError?: ErrorLogger;
  /** Sessions, turns and the LLM audit log. Without it the sessions API and the web chat are not served. */
  store?: Store;
  /** Question order of new sessions. Default `Math.random`. */
  random?: RandomSource;
  /** CORS, API keys and rate limits; without it only security headers and the body limit apply. */
  security?: SecurityDeps;
  /** The session service over `store`, when the caller shares it (crash recovery); built here otherwise. */
  sessions?: SessionService;
  /** Prometheus series: times every request and serves `GET /metrics`. */
  metrics?: Metrics;
  /** Drift and prompt A/B readings, served under `/api/monitoring`. */
  monitoring?: MonitoringDeps;
  /** Prompt A/B variant of a new session. Default: none recorded. */
  assignVariant?: (sessionId: string) => 'A' | 'B';
}

/**
 * Build the HTTP app. No sockets, no env: `src/main.ts` serves it, tests call `app.request()`.
 *
 * @example
 * const app = createApp({ bank, grade, judge });
 * const res = await app.request('/api/questions');
 */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  // The default logger masks: an error's text (or its cause's) may echo the configured key.
  const logError: ErrorLogger = deps.logError ?? ((err) => console.error(redactSecrets(inspect(err))));
  const maxBody = deps.maxBodyBytes ?? 64 * 1024;

  // First, so rejected requests (401, 413, 429) are timed too.
  if (deps.metrics) app.use('*', deps.metrics.http);
  app.use('*', securityHeaders({ trustProxy: deps.security?.trustProxy ?? false }));
  if (deps.security) installSecurity(app, deps.security);
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) =>
        c.json({ error: { code: 'payload_too_large', message: `body: is over ${maxBody} bytes`, issues: [{ field: 'body', reason: `is over ${maxBody} bytes` }] } }, 413),
    }),
  );

  app.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      judge: { kind: deps.judge.kind, model: deps.judge.model, promptVersion: deps.judge.promptVersion },
      questions: deps.bank.bank.questions.length,
    }),
  );
  app.route('/api/questions', questionRoutes(deps.bank));
  app.route('/api/grade', gradeRoutes(deps.grade));
  if (deps.store) {
    const sessions = deps.sessions ?? createSessionService({
      store: deps.store,
      bank: deps.bank,
      grade: deps.grade,
      logError: (err) => logError(err),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.assignVariant ? { assignVariant: deps.assignVariant } : {}),
    });
    app.route('/api/sessions', sessionRoutes(sessions));
    app.route('/api/turns', turnRoutes(sessions));
    const tokens = deps.security?.apiKeys.length ? deps.security.pageTokens : null;
    app.route('/', webRoutes({ ...deps, pageToken: tokens ? () => tokens.issue() : null }));
  }

  if (deps.metrics) app.route('/', metricsRoutes(deps.metrics));
  if (deps.monitoring) app.route('/api/monitoring', monitoringRoutes(deps.monitoring));

  const specs: RouteSpec[] = [healthSpec, ...questionSpecs, ...gradeSpecs, ...docsSpecs];
  if (deps.store) specs.push(...sessionSpecs, ...turnSpecs, ...webSpecs);
  if (deps.metrics) specs.push(...metricsSpecs);
  if (deps.monitoring) specs.push(...monitoringSpecs);
  let document: unknown;
  app.route(
    '/',
    docsRoutes(() => (document ??= buildOpenApiDocument(specs, API_INFO))),
  );

  app.notFound((c) => {
    const reason = `no route ${c.req.method} ${c.req.path.slice(0, 200)}`;
    return c.json({ error: { code: 'not_found', message: `path: ${reason}`, issues: [{ field: 'path', reason }] } }, 404);
  });
  app.onError(createOnError(logError));
  return app;
}
export type App = ReturnType<typeof createApp>;

const API_INFO = {
  title: 'Interview coach API',
  version: '1',
  description: 'Grades answers to MLOps interview questions against a reference answer and a rubric.',
};

const healthSpec: RouteSpec = {
  method: 'get',
  path: '/healthz',
  tag: 'service',
  summary: 'Liveness, and which judge serves',
  responses: { 200: { description: 'Up', schema: Health } },
};
