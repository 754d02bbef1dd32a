import { Hono } from 'hono';
import type { MonitoringDeps } from '../../monitoring/monitoring-deps.js';
import type { RouteGuard } from '../security.js';
import { z } from 'zod';
import { AbSummarySchema } from '../../monitoring/ab-summary.js';
import { DriftReportSchema } from '../../monitoring/drift-schemas.js';
import type { Metrics } from '../../observability/metrics.js';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';
import { commonErrors } from '../schemas.js';
import { validQuery } from '../validate.js';

const metricsSpec: RouteSpec = {
  tag: 'monitoring',
  summary: 'Prometheus metrics',
  description:
    'Request durations, grades by judge, outcome and prompt variant, LLM calls (latency, tokens, retries, errors), the share of inconsistent grades, the LLM queue, and score-drift PSI.',
  responses: { 200: { description: 'Prometheus text exposition format', schema: z.string(), contentType: 'text/plain; version=0.0.4' } },
};

/** `GET /metrics`: every series in the Prometheus text format. */
export function metricsRoutes(metrics: Metrics) {
  return new Hono().get('/metrics', describeRoute(metricsSpec), async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }),
  );
}

const AbQuery = z.strictObject({
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time, e.g. 2026-03-01T00:00:00Z' }).optional(),
});

const driftSpec: RouteSpec = {
  tag: 'monitoring',
  summary: 'Score and answer-length drift (PSI) of each prompt variant',
  description: 'PSI of the latest window of scored grades against a baseline of the first grades of the same judge, overall and per question, with the usual reading.',
  responses: { 200: { description: 'Drift readings', schema: DriftReportSchema }, 401: commonErrors[401], 429: commonErrors[429] },
};

const abSpec: RouteSpec = {
  tag: 'monitoring',
  summary: 'Live prompt A/B and shadow results',
  description: 'Per variant: grade counts, score means, unscored and inconsistency rates, tokens; and how B\'s shadow grades differ from A\'s on the same answers.',
  query: AbQuery,
  responses: { 200: { description: 'The A/B summary', schema: AbSummarySchema }, 400: commonErrors[400], 401: commonErrors[401], 429: commonErrors[429] },
};

/** `/api/monitoring`: score drift and the prompt A/B summary as JSON. */
export function monitoringRoutes(deps: MonitoringDeps, guard: RouteGuard) {
  // For operators: an API key, not the chat page's token.
  const read = guard({ rate: 'read', page: false });
  return new Hono()
    .get('/drift', describeRoute(driftSpec), read, async (c) => c.json(await deps.drift.report()))
    .get('/ab', describeRoute(abSpec), read, async (c) => {
      const { since } = validQuery(c, AbQuery);
      // Stored times are `toISOString()`; normalising keeps the text comparison in SQL exact.
      return c.json(await deps.ab(since === undefined ? undefined : new Date(since).toISOString()));
    });
}
