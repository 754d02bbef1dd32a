import { parentPort, workerData } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { z } from 'zod';
import { buildCoach, openStore } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createShutdown } from '../../src/server/lifecycle.js';
import { heapAfterGc } from './threads.js';

// The coach on its own thread (its own event loop, as in production), configured by the load test.
const env = z.record(z.string(), z.string()).parse(workerData);
const port = parentPort;
if (!port) throw new Error('app-thread.ts runs as a worker thread');
const config = loadConfig(env);
const store = await openStore(config);
const services = buildCoach(config, { store, warn: () => undefined, logError: (err) => console.error(err) });
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

/**
 * The server's own safe stop: every received answer is then stored, and graded or failed. The load test
 * reads the database itself once every instance has drained.
 */
async function drain() {
  clearInterval(sampler);
  const stop = createShutdown({
    server,
    gate: services.gate,
    store: { close: async () => { await services.served.flush(); await store.close(); } },
    graceMs: 60_000,
    log: () => undefined,
  });
  const report = await stop('end of run');
  port?.postMessage({ type: 'drained', graceful: report.graceful, maxQueued });
  port?.close();
}
