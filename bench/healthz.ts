import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { buildCoach } from '../src/compose.js';
import { loadConfig } from '../src/config.js';

/** Goal: the coach's `/healthz` serves at least this share of what a bare Hono app with the same route does. */
export const HEALTHZ_RATIO_GOAL = 0.5;

type Fetch = (req: Request) => Response | Promise<Response>;

/** Requests per second of `GET /healthz` over real HTTP: autocannon on a worker thread, 16 connections, same machine. */
async function rps(fetch: Fetch, seconds: number): Promise<number> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/healthz`;
  await autocannon({ url, connections: 16, duration: 1, workers: 1 }); // warm-up
  // The load generator on its own thread, so it does not share the server's event loop.
  const result = await autocannon({ url, connections: 16, duration: seconds, workers: 1 });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers from ${url}`);
  return result.requests.average;
}

/** The same response as the coach's `/healthz`, with no middleware. */
function bareApp(body: unknown) {
  return new Hono().get('/healthz', (c) => c.json(body));
}

export async function main(seconds = 3, rounds = 2): Promise<boolean> {
  // The coach as main.ts builds it (default rate limits: /healthz is not rate limited).
  const coach = buildCoach(loadConfig({ DB_PATH: ':memory:' }), { warn: () => undefined, processMetrics: false, logError: () => undefined });
  const body = await (await coach.app.request('/healthz')).json();
  // Alternating rounds, so a neighbour's load on the shared machine falls on both sides alike.
  let bare = 0;
  let full = 0;
  for (let i = 0; i < rounds; i++) {
    bare += (await rps(bareApp(body).fetch, seconds)) / rounds;
    full += (await rps(coach.app.fetch, seconds)) / rounds;
  }
  await coach.store.close();
  const ratio = full / bare;
  console.log(
    `GET /healthz, autocannon 16 connections, ${rounds} alternating rounds of ${seconds} s: coach ${Math.round(full)} req/s, bare Hono ${Math.round(bare)} req/s; ratio ${ratio.toFixed(2)} (goal >= ${HEALTHZ_RATIO_GOAL}: ${ratio >= HEALTHZ_RATIO_GOAL ? 'met' : 'NOT met'})`,
  );
  return ratio >= HEALTHZ_RATIO_GOAL;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = (await main()) ? 0 : 1;
