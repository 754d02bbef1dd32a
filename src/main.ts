import { serve } from '@hono/node-server';
import { composeServices } from './compose.js';
import { loadConfig } from './config.js';
import { CoachError } from './errors.js';
import { describeExperiment } from './experiments/experiment-config.js';
import { createApp } from './http/app.js';

// The only module that reads process.env and opens a socket.
function start(): void {
  const services = composeServices(loadConfig(process.env));
  const { config, judge, store } = services;
  const app = createApp(services);
  // Drift already present in the grade log is logged now rather than at the first scrape.
  services.monitoring.drift.report();
  const { pending, failed } = store.turns.countByStatus();
  if (pending + failed > 0) {
    console.log(`${pending} answer(s) left pending by an earlier run and ${failed} failed; regrade with POST /api/turns/:id/regrade`);
  }
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    const label =
      judge.kind === 'embedded'
        ? 'embedded judge (offline, no LLM)'
        : `LLM judge ${judge.model} at ${endpoint(config.OPENAI_BASE_URL)}, prompt ${judge.promptVersion}, ` +
          `up to ${config.LLM_CONCURRENCY} concurrent calls`;
    console.log(`interview coach on http://${info.address === '::1' ? 'localhost' : info.address}:${info.port} - ${label}`);
    if (services.experiment) console.log(describeExperiment(services.experiment));
  });
  const stop = () =>
    server.close(() => {
      // Grade log rows still queued for their batch write.
      services.served.flush();
      store.close();
      process.exit(0);
    });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// Origin and path only: a base URL may carry credentials or a key in its query string.
function endpoint(baseUrl: string | undefined): string {
  if (!baseUrl) return 'the OpenAI API';
  const u = new URL(baseUrl);
  return `${u.origin}${u.pathname}`;
}

try {
  start();
} catch (err) {
  console.error(err instanceof CoachError ? `cannot start: ${err.message}` : err);
  process.exit(1);
}
