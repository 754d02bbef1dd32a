import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securedApp } from '../helpers/secured-app.js';
import { sqliteOf } from '../helpers/app.js';
import { launchBrowser } from './browser.js';

// The coach with the security main.ts derives from an empty environment (loopback, no API keys), in a
// real browser; `evil.test` and `rebind.test` resolve to 127.0.0.1 as an attacker's DNS would make them.
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let coach: ReturnType<typeof securedApp>;
let coachServer: ServerType;
let evilServer: Server;
let coachPort = 0;
let evilPort = 0;

const listen = (s: { once(e: 'listening', f: () => void): unknown; address(): AddressInfo | string | null }) =>
  new Promise<number>((resolve) => s.once('listening', () => resolve((s.address() as AddressInfo).port)));

/** A page of another site that tries what a form or a `no-cors` fetch can do without a preflight. */
const evilPage = (port: number) => `<!doctype html><title>evil</title><script>
const coach = 'http://127.0.0.1:${port}';
const answer = JSON.stringify({ questionId: 'data-drift', answer: 'Inputs in production move away from the training data.' });
Promise.allSettled([
  fetch(coach + '/api/grade', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: answer }),
  fetch(coach + '/api/grade', { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ a: answer }) }),
  fetch(coach + '/api/sessions', { method: 'POST', mode: 'no-cors' }),
]).then(() => { document.title = 'done'; });
</script>`;

beforeAll(async () => {
  browser = await launchBrowser(['--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1']);
  coach = securedApp();
  coachServer = serve({ fetch: coach.app.fetch, port: 0, hostname: '127.0.0.1' });
  coachPort = await listen(coachServer);
  evilServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(evilPage(coachPort)));
  evilServer.listen(0, '127.0.0.1');
  evilPort = await listen(evilServer);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => coachServer.close(r));
  await new Promise((r) => evilServer.close(r));
});

const sessions = () => Number(sqliteOf(coach.store).prepare('SELECT count(*) FROM sessions').pluck().get());

describe('guards in a real browser', () => {
  it('a page of another site cannot start grades or sessions', async () => {
    const before = sessions();
    const page = await browser.context.newPage();
    await page.goto(`http://evil.test:${evilPort}/`);
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('done');
    expect(coach.calls.grades).toBe(0);
    expect(sessions()).toBe(before);
    await page.close();
  });

  it('a rebound name is refused with 421, the page itself is served', async () => {
    const page = await browser.context.newPage();
    const rebound = await page.goto(`http://rebind.test:${coachPort}/`);
    expect(rebound?.status()).toBe(421);
    const real = await page.goto(`http://127.0.0.1:${coachPort}/`);
    expect(real?.status()).toBe(200);
    await page.close();
  });

  it('the chat works behind the guards, and its counter counts as the server does', async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://localhost:${coachPort}/`);
    await page.locator('#count').fill('1');
    await page.locator('#start').click();
    await page.locator('li.question.current').waitFor();
    await page.locator('#answer').fill('📈📈 drift\u200b');
    expect(await page.locator('#answer-count').textContent()).toBe('8 / 8,000');
    await page.locator('#answer').fill('Data drift is when production inputs move away from the training data.\u200b');
    await page.locator('#answer').press('Control+Enter');
    await page.locator('li.msg.result-graded').first().waitFor();
    expect(coach.calls.grades).toBe(1);
    const [turn] = sqliteOf(coach.store).prepare('SELECT answer, grade FROM turns').all() as { answer: string; grade: string }[];
    expect(turn?.answer).toBe('Data drift is when production inputs move away from the training data.');
    expect(JSON.parse(turn?.grade ?? '{}').flags).toContain('invisible-characters-removed');
    await page.close();
  });
});
