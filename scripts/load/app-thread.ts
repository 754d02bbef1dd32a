import { parentPort, workerData } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { sql } from 'kysely';
import { z } from 'zod';
import { buildCoach } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createShutdown } from '../../src/server/lifecycle.js';
import { heapAfterGc } from './threads.js';

// The coach on its own thread (its own event loop, as in production), configured by the load test.
const env = z.record(z.string(), z.string()).parse(workerData);
const port = parentPort;
if (!port) throw new Error('app-thread.ts runs as a worker thread');
const services = buildCoach(loadConfig(env), { warn: () => undefined, logError: (err) => console.error(err) });
const { app } = services;
let maxQueued = 0;
const sampler = setInterval(() => {
  maxQueued = Math.max(maxQueued, services.llmLimiter?.pendingCount ?? 0);
}, 20);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  port.postMessage({ type: 'listening', url: `http://127.0.0.1:${info.port}` });
});

port.on('message', (message) => {
  if (message === 'stats') port.postMessage({ type: 'stats', heapUsed: heapAfterGc(), maxQueued });
  if (message === 'drain') void drain();
});

/** The server's own safe stop; the numbers are read once every received answer is stored and graded or failed. */
async function drain() {
  clearInterval(sampler);
  const stop = createShutdown({ server, gate: services.gate, store: { close: () => undefined }, graceMs: 60_000, log: () => undefined });
  const report = await stop('end of run');
  const { rows } = await sql`SELECT COUNT(*) AS n FROM turns WHERE failure_reason = 'overloaded'`.execute(services.store.db);
  const overloaded = z.object({ n: z.number() }).parse(rows[0]);
  port?.postMessage({ type: 'drained', graceful: report.graceful, turns: await services.store.turns.countByStatus(), overloaded: overloaded.n, maxQueued });
  await services.store.close();
  port?.close();
}
