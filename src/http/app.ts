import type { z } from 'zod';
import type { Store } from '../store/store.js';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { BankIndex } from '../bank/bank-index.js';
import type { GradeFn } from '../grading/grade.js';
import type { Judge } from '../judge/judge.js';
import type { Metrics } from '../observability/metrics.js';
import type { SessionService } from '../sessions/session-service.js';
import type { PracticeService } from '../sessions/practice-service.js';
import { candidateRoutes } from './routes/candidates.js';
import { historyRoutes } from '../web/history-routes.js';
import { webRoutes } from '../web/web-routes.js';
import { webDescriptions } from './routes/web-specs.js';
import { BodyTooLargeError, NotFoundError } from '../errors.js';
import { createOnError, errorResponse, type ErrorLogger } from './on-error.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { describedRoutes, describeRoute, type RouteSpec } from './openapi/route-spec.js';
import { docsRoutes } from './routes/docs.js';
import { gradeRoutes } from './routes/grade.js';
import { questionRoutes } from './routes/questions.js';
import type { MonitoringDeps } from '../monitoring/monitoring-deps.js';
import { metricsRoutes, monitoringRoutes } from './routes/monitoring.js';
import { Health } from './schemas.js';
import { installSecurity, routeGuard, type SecurityDeps } from './security.js';
import { securityHeaders } from './middleware/security-headers.js';
import { sessionRoutes } from './routes/sessions.js';
import { turnRoutes } from './routes/turns.js';

export interface AppDeps {
  bank: BankIndex;
  /** The shared `grade()`; the app never talks to a judge directly. */
  grade: GradeFn;
  /** The judge behind `grade`, for reporting which one is serving. */
  judge: Pick<Judge, 'kind' | 'model' | 'promptVersion'>;
  /** Where unexpected errors go. */
  logError: ErrorLogger;
  /** CORS, API keys, rate limits, the Host allow-list. */
  security: SecurityDeps;
  /** The database, for `/healthz`: its kind and whether it answers. */
  database: Pick<Store, 'kind' | 'ping'>;
  /** The session service over the store (shared with the crash recovery). */
  sessions: SessionService;
  /** Practice profiles, hints, model-answer reveals, exports. */
  practice: PracticeService;
  /** Prometheus series: times every request and serves `GET /metrics`. */
  metrics: Metrics;
  /** Drift and prompt A/B readings, served under `/api/monitoring`. */
  monitoring: MonitoringDeps;
  /** Largest request body accepted on any route, in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
}

/**
 * Build the HTTP app over composed services; `buildCoach` (src/compose.ts) is its one caller. No sockets, no env.
 *
 * @example
 * const { app } = buildCoach(loadConfig({ DB_PATH: ':memory:' }));
 * const res = await app.request('/api/questions');
 */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  const logError = deps.logError;
  const maxBody = deps.maxBodyBytes ?? 64 * 1024;

  // First, so rejected requests (401, 413, 429) are timed too.
  app.use('*', deps.metrics.http);
  app.use('*', securityHeaders({ trustProxy: deps.security.trustProxy ?? false }));
  installSecurity(app, deps.security);
  const limitBody = bodyLimit({ maxSize: maxBody, onError: (c) => errorResponse(new BodyTooLargeError(maxBody), c, logError) });
  // A GET or HEAD has no body to limit; asking for one makes @hono/node-server build a full Request.
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  app.get('/healthz', describeRoute(healthSpec), async (c) => {
    const reachable = await deps.database.ping();
    return c.json(
      {
        status: reachable ? 'ok' : 'degraded',
        judge: { kind: deps.judge.kind, model: deps.judge.model, promptVersion: deps.judge.promptVersion },
        questions: deps.bank.bank.questions.length,
        database: { kind: deps.database.kind, reachable },
      } satisfies z.infer<typeof Health>,
      reachable ? 200 : 503,
    );
  });
  const guard = routeGuard(deps.security);
  app.route('/api/questions', questionRoutes(deps.bank, deps.practice.facets, guard));
  app.route('/api/grade', gradeRoutes(deps.grade, guard));
  app.route('/api/sessions', sessionRoutes(deps.sessions, deps.practice, guard));
  app.route('/api/turns', turnRoutes(deps.sessions, deps.practice, guard));
  app.route('/api/candidates', candidateRoutes(deps.practice, guard));
  const tokens = deps.security.apiKeys.length ? deps.security.pageTokens : null;
  app.get('/', webDescriptions.page).get('/static/:name', webDescriptions.asset);
  app.route('/', webRoutes({ ...deps, pageToken: tokens ? () => tokens.issue() : null }));
  app.get('/history', webDescriptions.history).get('/history.css', webDescriptions.historyCss).get('/history.js', webDescriptions.historyJs);
  app.route('/', historyRoutes(deps.practice, guard({ rate: 'read', page: 'open' })));
  app.route('/', metricsRoutes(deps.metrics));
  app.route('/api/monitoring', monitoringRoutes(deps.monitoring, guard));
  // Any other /api path is a read that needs a key (then a 404); a route above already guarded its own.
  app.use('/api/*', guard({ rate: 'read', page: false }));

  // Built on first request, from every route mounted with its description.
  let document: unknown;
  app.route(
    '/',
    docsRoutes(() => (document ??= buildOpenApiDocument(describedRoutes(app.routes), API_INFO))),
  );

  app.notFound((c) => errorResponse(new NotFoundError(`path: no route ${c.req.method} ${c.req.path.slice(0, 200)}`), c, logError));
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
  tag: 'service',
  summary: 'Liveness, which judge serves, and whether the database answers',
  responses: { 200: { description: 'Up', schema: Health }, 503: { description: 'Up, but the database cannot be reached', schema: Health } },
};
