import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { type BrowserContext, chromium } from 'playwright-core';
import type { Judge } from '../../src/judge/judge.js';
import { seededRandom } from '../../src/sessions/plan.js';
import type { Store } from '../../src/store/store.js';
import { bank, testCoach } from '../helpers/app.js';

/** Screenshots land here (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));

/** Debian's chromium, driven by playwright-core; never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Quiet on a closed network: no background requests, updates or sync.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export { bank };

export interface RunningApp {
  url: string;
  store: Store;
  errors: unknown[];
  close(): Promise<void>;
}

/** The app as `main.ts` wires it, served in-process on a free port with a database in a temp folder. */
export async function startApp(judge: Judge, dir: string, seed = 3): Promise<RunningApp> {
  const { app, store, errors } = testCoach({ DB_PATH: join(dir, `coach-${judge.kind}.db`) }, { judge, random: seededRandom(seed) });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        // Keep-alive connections from the browser would hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** `extraArgs`: more chromium flags, e.g. `--host-resolver-rules` to give test names to 127.0.0.1. */
export async function launchBrowser(extraArgs: string[] = []): Promise<{ context: BrowserContext; dir: string; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no chromium at ${CHROMIUM_PATH}: install it with "apt-get update && apt-get install -y chromium" or set CHROMIUM_PATH`);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'coach-e2e-'));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    dir,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
