import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
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

/**
 * The app as `main.ts` wires it, served in-process on a free port with a database in a temp folder.
 * `now`: the server's clock (default the real one), for tests that move time on.
 */
export async function startApp(judge: Judge, dir: string, seed = 3, now?: () => Date): Promise<RunningApp> {
  const db = join(dir, `coach-${judge.kind}-${Math.random().toString(36).slice(2)}.db`);
  const { app, store, errors } = testCoach({ DB_PATH: db }, { judge, random: seededRandom(seed), ...(now ? { now } : {}) });
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

/**
 * `extraArgs`: more chromium flags, e.g. `--host-resolver-rules` to give test names to 127.0.0.1.
 * `phone`: a 390 px touch screen without a mouse (`pointer: coarse`, `hover: none`).
 */
export async function launchBrowser(extraArgs: string[] = [], { phone = false } = {}): Promise<{ context: BrowserContext; dir: string; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no chromium at ${CHROMIUM_PATH}: install it with "apt-get update && apt-get install -y chromium" or set CHROMIUM_PATH`);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'coach-e2e-'));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: phone ? { width: 390, height: 844 } : { width: 1100, height: 900 },
    ...(phone ? { hasTouch: true, isMobile: true } : {}),
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

/**
 * One browser for a test file: launched before its tests; it and every app `start` started are closed after.
 * `context` and `dir` are the browser's, read once the tests run.
 */
export function browserForFile(extraArgs: string[] = []) {
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  const apps: RunningApp[] = [];
  beforeAll(async () => {
    browser = await launchBrowser(extraArgs);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await browser?.close();
  });
  const launched = () => {
    if (!browser) throw new Error('the browser is launched in beforeAll');
    return browser;
  };
  return {
    get context(): BrowserContext {
      return launched().context;
    },
    /** An app serving `judge` on 127.0.0.1, its database in the browser's directory, closed after the file. */
    async start(judge: Judge, seed?: number, now?: () => Date): Promise<RunningApp> {
      const app = await startApp(judge, launched().dir, seed, now);
      apps.push(app);
      return app;
    },
  };
}

/** A page that records any script error, console error or dialog (an executed `alert` would open one). */
export async function openPage(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, problems };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });

/** The bank's reference answer for the main question now on screen: a strong answer. */
export async function strongAnswerFor(page: Page): Promise<string> {
  const text = (await page.locator('li.question.current .q-text').textContent()) ?? '';
  const q = bank.bank.questions.find((x) => x.title === text);
  if (!q) throw new Error(`question on screen is not a main question of the bank: ${text}`);
  return q.referenceAnswer;
}

/** Type an answer, send it with Ctrl+Enter and wait for its grade card. */
export async function send(page: Page, text: string) {
  const results = await page.locator('li.msg.result').count();
  await page.locator('#answer').fill(text);
  await page.locator('#answer').press('Control+Enter');
  // Wait for the grade card to replace the grading placeholder.
  await page.locator('li.msg.result:not(.grading)').nth(results).waitFor();
}
