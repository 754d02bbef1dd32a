import { serve } from '@hono/node-server';
import { buildCoach, openStore } from './compose.js';
import { loadConfig } from './config.js';
import { CoachError, DatabaseUnusableError } from './errors.js';
import { describeExperiment } from './experiments/experiment-config.js';
import { createShutdown } from './server/lifecycle.js';
import { type Recovery, recoverPendingTurns } from './server/recover-pending.js';
import { describeDatabaseUrl } from './store/postgres.js';
import { redactSecrets } from './store/redact.js';

// The only module that reads process.env, opens a socket and handles signals.
async function start(): Promise<void> {
  const config = loadConfig(process.env);
  const store = await openStore(config);
  const services = buildCoach(config, { store });
  const { judge, gate, sessions, app } = services;
  // Drift already present in the grade log is logged now rather than at the first scrape.
  await services.monitoring.drift.report();
  const { failed } = await store.turns.countByStatus();
  if (failed > 0) console.log(`${failed} answer(s) failed to grade earlier; regrade with POST /api/turns/:id/regrade`);
  let recovery: Recovery | null = null;
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    const label =
      judge.kind === 'embedded'
        ? 'embedded judge (offline, no LLM)'
        : `LLM judge ${judge.model} at ${endpoint(config.AZURE_OPENAI_ENDPOINT ?? config.OPENAI_BASE_URL)}, prompt ${judge.promptVersion}, ` +
          `up to ${config.LLM_CONCURRENCY} concurrent calls, ${config.LLM_QUEUE_MAX} waiting`;
    const database = config.DATABASE_URL ? `PostgreSQL ${describeDatabaseUrl(config.DATABASE_URL)}` : `SQLite ${config.DB_PATH ?? 'var/coach.db'}`;
    console.log(`interview coach on http://${info.address === '::1' ? 'localhost' : info.address}:${info.port} - ${label}; ${database}`);
    // Answers a crash left pending are graded again in the background, while the server already serves. On
    // PostgreSQL other instances may be grading: only turns whose lease ended are taken, and the sweep goes
    // on, for an instance that dies later. SQLite has one process per file: its leases at start are stale.
    recovery = recoverPendingTurns({
      turns: store.turns,
      sessions,
      releaseLeasesAtStart: store.kind === 'sqlite',
      sweepMs: store.kind === 'postgres' ? Math.max(250, Math.floor(config.TURN_LEASE_MS / 2)) : null,
    });
    if (services.experiment) console.log(describeExperiment(services.experiment));
  });
  const shutdown = createShutdown({
    server,
    gate,
    // Grade log rows still queued for their batch write go to disk before the database closes.
    store: {
      close: async () => {
        await services.served.flush();
        await store.close();
      },
    },
    background: { stop: () => recovery?.stop() },
    graceMs: config.SHUTDOWN_GRACE_MS,
  });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal means "now". Every acknowledged answer is already committed; closing is a courtesy.
      console.log(`${signal} again: exiting without waiting`);
      void store.close();
      process.exit(1);
    }
    stopping = true;
    shutdown(signal).then(
      (report) => process.exit(report.graceful && report.storeClosed ? 0 : 1),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

// Origin and path only: a base URL may carry credentials or a key in its query string.
function endpoint(baseUrl: string | undefined): string {
  if (!baseUrl) return 'the OpenAI API';
  const u = new URL(baseUrl);
  return `${u.origin}${u.pathname}`;
}

start().catch((err: unknown) => {
  console.error(err instanceof CoachError ? `cannot start: ${redactSecrets(err.message)}` : redactSecrets(String(err instanceof Error ? (err.stack ?? err.message) : err)));
  // 2: the database (DB_PATH or DATABASE_URL) cannot be used (not a database, read-only, locked, unreachable); 1: anything else.
  process.exit(err instanceof DatabaseUnusableError ? 2 : 1);
});
