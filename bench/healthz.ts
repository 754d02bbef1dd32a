import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { buildCoach } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { median } from '../src/numbers.js';

/** Goal: the coach's `/healthz` serves at least this share of what a bare Hono app with the same route does. */
export const HEALTHZ_RATIO_GOAL = 0.5;

type Fetch = (req: Request) => Response | Promise<Response>;

interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serve an app over real HTTP on a free port of 127.0.0.1. */
async function served(fetch: Fetch): Promise<Served> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/healthz`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Requests per second of `GET /healthz`: autocannon on a worker thread (not the server's event loop), 16 connections. */
async function rps(url: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, connections: 16, duration: seconds, workers: 1 });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers from ${url}`);
  return result.requests.average;
}

/** The same response as the coach's `/healthz`, with no middleware. */
function bareApp(body: unknown) {
  return new Hono().get('/healthz', (c) => c.json(body));
}

export async function main(seconds = 1, rounds = 12): Promise<boolean> {
  // The coach as main.ts builds it (default rate limits: /healthz is not rate limited).
  const coach = buildCoach(loadConfig({ DB_PATH: ':memory:' }), { warn: () => undefined, processMetrics: false, logError: () => undefined });
  const body = await (await coach.app.request('/healthz')).json();
  const bare = await served(bareApp(body).fetch);
  const full = await served(coach.app.fetch);
  for (const s of [bare, full]) await rps(s.url, 1); // warm-up
  // Many short rounds, alternating, each pair giving a ratio: a neighbour's load on the shared machine comes
  // and goes within seconds, and falls on both sides of a pair alike. The median pair is the figure.
  const ratios: number[] = [];
  const bareRps: number[] = [];
  const fullRps: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const b = await rps(bare.url, seconds);
    const f = await rps(full.url, seconds);
    bareRps.push(b);
    fullRps.push(f);
    ratios.push(f / b);
  }
  await bare.close();
  await full.close();
  await coach.store.close();
  const ratio = median(ratios) ?? 0;
  const range = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
  console.log(
    `GET /healthz, autocannon 16 connections, ${rounds} alternating pairs of ${seconds} s: coach ${Math.round(median(fullRps) ?? 0)} req/s, bare Hono ${Math.round(median(bareRps) ?? 0)} req/s (medians); ` +
      `ratio ${ratio.toFixed(2)}, median of the pairs (range ${range}) (goal >= ${HEALTHZ_RATIO_GOAL}: ${ratio >= HEALTHZ_RATIO_GOAL ? 'met' : 'NOT met'})`,
  );
  return ratio >= HEALTHZ_RATIO_GOAL;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = (await main()) ? 0 : 1;
