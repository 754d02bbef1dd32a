import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import { browserForFile, launchBrowser, send, shot, startApp } from './browser.js';

// Its own browser: Playwright's fake clock is installed for a whole browser context.
const files = browserForFile();

const secondsLeft = async (page: Page) => Number(await page.locator('#countdown').getAttribute('data-remaining-seconds'));

describe('mock interview', () => {
  it('counts down on a fake clock, sends what is written when time is up, and shows model answers and retries only at the end', async () => {
    // The server's clock moves with the page's fake one, so both agree on when a question was asked.
    let offsetMs = 0;
    const app = await files.start(createEmbeddedJudge(), 7, () => new Date(Date.now() + offsetMs));
    const page = await files.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.clock.install();
    await page.goto(app.url);

    await page.locator('input[name="mode"][value="mock"]').check();
    expect(await page.locator('#time-limit').isVisible()).toBe(true);
    expect(await page.locator('#time-limit').inputValue()).toBe('240');
    await page.locator('#count').fill('1');
    await page.locator('#start').click();
    await page.locator('li.question.current').waitFor();
    expect(await page.locator('#mode-badge').textContent()).toBe('Mock interview');
    await expect.poll(() => page.locator('#countdown').textContent()).toMatch(/^Time left: (4:00|3:5\d)$/);
    expect(await page.locator('#hint').isVisible()).toBe(false);

    // A minute on: the countdown follows the clock.
    offsetMs += 60_000;
    await page.clock.fastForward(60_000);
    await expect.poll(() => secondsLeft(page)).toBeLessThanOrEqual(180);
    expect(await secondsLeft(page)).toBeGreaterThan(160);

    // Time runs out with a half-written answer: it is sent as it is, and marked as after the limit.
    await page.locator('#answer').fill('Drift is when production data changes.');
    await shot(page, '30-mock-countdown.png');
    offsetMs += 181_000;
    await page.clock.fastForward(181_000);
    await page.locator('li.msg.result-graded').first().waitFor();
    expect(await page.locator('li.msg.answer .answer-text').first().textContent()).toBe('Drift is when production data changes.');
    expect(await page.locator('li.msg.answer .over-time').count()).toBe(1);
    // No model answer and no retry until the end; the follow-up is still asked, with a fresh countdown.
    expect(await page.locator('button.reveal').count()).toBe(0);
    expect(await page.locator('button.retry').count()).toBe(0);
    expect(await page.locator('li.question.current .meta-label').textContent()).toBe('Follow-up to question 1');
    await expect.poll(() => secondsLeft(page)).toBeGreaterThan(200);

    await send(page, 'Concept drift is a change in how inputs relate to the label.');
    const summary = page.locator('#summary');
    await summary.waitFor();
    expect(await page.locator('#countdown').isVisible()).toBe(false);
    const times = await summary.locator('table.questions td[data-label="Time"]').allTextContents();
    expect(times[0]).toMatch(/^4 min 0\d s \(over the limit\)$/);
    expect(times[1]).not.toContain('over the limit');
    // Finished: everything shows, and the last question can be retried.
    expect(await page.locator('button.reveal').count()).toBe(2);
    expect(await page.locator('button.retry').count()).toBe(1);
    await page.locator('button.reveal').first().click();
    await page.locator('.reference').first().waitFor();
    await shot(page, '31-mock-summary.png');
    expect(problems).toEqual([]);
    expect(app.errors).toEqual([]);
    await page.close();
  });
});

describe('on a touch screen', () => {
  it('does not offer the keyboard shortcut', async () => {
    const phone = await launchBrowser([], { phone: true });
    const app = await startApp(createEmbeddedJudge(), phone.dir, 7);
    try {
      const page = await phone.context.newPage();
      await page.goto(app.url);
      await page.locator('#count').fill('1');
      await page.locator('#start').click();
      await page.locator('li.question.current').waitFor();
      expect(await page.locator('#answer').isVisible()).toBe(true);
      expect(await page.locator('.kbd-hint').isVisible()).toBe(false);
    } finally {
      await app.close();
      await phone.close();
    }
  });
});
