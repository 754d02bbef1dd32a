import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { buildCoach } from '../src/compose.js';
import { loadConfig } from '../src/config.js';

/** Goal: while another process holds the database's write lock, `/healthz` still answers within this (worst case). */
export const LOCKED_HEALTHZ_GOAL_MS = 100;
const HOLDER = fileURLToPath(new URL('../test/helpers/hold-db-lock.mjs', import.meta.url));

interface Figures {
  p50: number;
  p99: number;
  worst: number;
  samples: number;
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

/**
 * `/healthz` latency of a server built as `main.ts` builds it, over real HTTP, while `inFlight` clients keep
 * posting answers; with `locked`, a second process holds the write lock the whole time.
 */
async function healthzWhile(dir: string, name: string, env: Record<string, string>, locked: boolean, inFlight: number, samples: number): Promise<Figures> {
  const path = join(dir, `${name}.db`);
  const services = buildCoach(loadConfig({ DB_PATH: path, RATE_LIMIT_PER_MIN: '1000000', RATE_LIMIT_READS_PER_MIN: '1000000', ...env }), { warn: () => undefined, processMetrics: false, logError: () => undefined });
  const { app } = services;
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { session } = (await (await fetch(`${base}/api/sessions`, json({ count: 20 }))).json()) as { session: { id: string } };
  for (let i = 0; i < 20; i++) await (await fetch(`${base}/healthz`)).arrayBuffer();
  const holder = locked ? spawn(process.execPath, [HOLDER, path], { stdio: ['pipe', 'pipe', 'inherit'] }) : null;
  if (holder) await once(holder.stdout, 'data');
  let running = true;
  const clients = Array.from({ length: inFlight }, async () => {
    while (running) await (await fetch(`${base}/api/sessions/${session}/answers`, json({ answer: 'Drift is a change in the inputs a model sees.', retry: true }))).arrayBuffer();
  });
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await (await fetch(`${base}/healthz`)).arrayBuffer();
    times.push(performance.now() - t0);
  }
  running = false;
  await Promise.all(clients);
  holder?.stdin.end();
  if (holder) await once(holder, 'exit');
  server.close();
  await services.served.flush();
  await services.store.close();
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), worst: Math.max(...times), samples };
}

const show = (f: Figures) => `p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, worst ${f.worst.toFixed(1)} ms (${f.samples} requests)`;

export async function main(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'coach-bench-lock-'));
  try {
    const unlocked = await healthzWhile(dir, 'unlocked', {}, false, 3, 300);
    const locked = await healthzWhile(dir, 'locked', {}, true, 3, 300);
    // The former setting, side by side: a 5 s synchronous busy wait. Few samples, as each one can take seconds.
    const former = await healthzWhile(dir, 'former', { DB_BUSY_TIMEOUT_MS: '5000' }, true, 1, 4);
    const ratio = LOCKED_HEALTHZ_GOAL_MS / locked.worst;
    console.log(`/healthz, 3 clients answering, database not locked: ${show(unlocked)}`);
    console.log(`/healthz, 3 clients answering, write lock held by another process, no synchronous busy wait: ${show(locked)}; ratio to goal ${LOCKED_HEALTHZ_GOAL_MS} ms worst = ${ratio.toFixed(2)} (${ratio >= 1 ? 'met' : 'NOT met'})`);
    console.log(`/healthz, 1 client answering, same lock, busy wait 5000 ms (the former setting): ${show(former)}`);
    return ratio >= 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = (await main()) ? 0 : 1;
