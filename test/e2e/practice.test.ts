import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import { scriptedJudge, swappedVerdict } from '../helpers/scripted-llm-judge.js';
import { browserForFile, openPage, SCREENSHOT_DIR, send, shot } from './browser.js';
import { sqliteOf } from '../helpers/app.js';

const files = browserForFile();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

async function start(page: Page, mode: 'practice' | 'review' | 'mock', count: number) {
  await page.locator(`input[name="mode"][value="${mode}"]`).check();
  if (mode !== 'review') await page.locator('#count').fill(String(count));
  await page.locator('#start').click();
}

/** Answer every step left with `answer`, until the summary shows. */
async function finish(page: Page, answer: string) {
  while ((await page.locator('#summary').count()) === 0) await send(page, answer);
}

/** Words of the summary's tables that the layout split over two lines ("monitorin g"). */
const brokenWords = (page: Page) =>
  page.evaluate(() => {
    const bad: string[] = [];
    for (const cell of document.querySelectorAll('#summary table th, #summary table td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const m of (n.textContent ?? '').matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) bad.push(m[0]);
        }
      }
    }
    return bad;
  });

describe('practice profile, history and review', () => {
  it('keeps a practice id, shows two sessions on /history with a chart, and reviews what was missed once it is due', async () => {
    let offsetMs = 0;
    const app = await files.start(createEmbeddedJudge(), 5, () => new Date(Date.now() + offsetMs));
    const { page, problems } = await openPage(files.context, app.url);
    const id = (await page.locator('#candidate-id').textContent()) ?? '';
    expect(id).toMatch(UUID);
    expect(await page.evaluate(() => localStorage.getItem('coach.candidateId'))).toBe(id);
    expect(await page.locator('#history-link').getAttribute('href')).toBe(`/history?candidate=${id}`);
    // The filters offer what the bank has: no "easy" question, so no "Easy".
    await expect.poll(() => page.locator('#topic option').count()).toBeGreaterThan(1);
    expect(await page.locator('#difficulty option').allTextContents()).not.toContain('Easy');

    // Review before any practice: nothing to review, said plainly.
    await start(page, 'review', 0);
    await expect.poll(() => page.locator('#setup-note').textContent()).toMatch(/^Nothing to review yet/);
    await shot(page, '10-review-nothing-yet.png');

    // Two short sessions with weak answers, each finished.
    const asked: string[] = [];
    for (const n of [1, 2]) {
      await start(page, 'practice', 1);
      await page.locator('li.question.current').waitFor();
      asked.push((await page.locator('li.question.current .q-text').textContent()) ?? '');
      await finish(page, n === 1 ? 'The model gets worse over time.' : 'I am not sure.');
      await page.locator('#summary').getByRole('button', { name: 'Start a new session' }).click();
      await page.locator('#setup').waitFor();
    }
    expect(sqliteOf(app.store).prepare('SELECT count(*) FROM sessions WHERE candidate_id = ?').pluck().get(id)).toBe(2);

    // Missed today, due tomorrow: the page says when.
    await start(page, 'review', 0);
    await expect.poll(() => page.locator('#setup-note').textContent()).toMatch(/^Nothing is due for review yet\. The next question is due on /);

    // History: both sessions and the chart.
    await page.locator('#history-link').click();
    await page.waitForURL(/\/history\?candidate=/);
    expect(await page.locator('table tbody tr').count()).toBe(2);
    expect(await page.locator('figure.chart svg[role="img"]').isVisible()).toBe(true);
    await shot(page, '11-history-1280.png');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, '12-history-390.png');
    await page.setViewportSize({ width: 1100, height: 900 });

    // A day later the missed questions are due: a review session asks them.
    offsetMs = DAY_MS + 60_000;
    await page.goBack();
    await page.locator('#setup').waitFor();
    await start(page, 'review', 0);
    await page.locator('li.question.current').waitFor();
    expect(await page.locator('#mode-badge').textContent()).toBe('Review');
    expect(asked).toContain(await page.locator('li.question.current .q-text').textContent());
    await shot(page, '13-review-session.png');
    // The two "nothing due" answers are 409s, which the browser logs as failed loads; nothing else may be.
    expect(problems.filter((p) => !p.includes('status of 409'))).toEqual([]);
    expect(problems.length).toBe(2);
    expect(app.errors).toEqual([]);
    await page.close();
  });
});

describe("the judge's follow-up, export and reload", () => {
  it("answers the judge's own follow-up as its own turn, restores focus after a reload, and downloads the transcript", async () => {
    const app = await files.start(scriptedJudge([swappedVerdict(2, 3)]));
    const { page, problems } = await openPage(files.context, app.url);
    await start(page, 'practice', 1);
    const current = page.locator('li.question.current');
    await current.waitFor();
    const question = (await current.locator('.q-text').textContent()) ?? '';

    // A reload puts the question in view and the focus in the answer box.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.reload();
    await page.locator('li.question.current').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('answer');
    const box = await page.locator('li.question.current').boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);

    await send(page, 'Inputs drift away from the training data and the model degrades.');
    const card = page.locator('li.msg.result-graded').first();
    expect(await card.locator('.adaptive').textContent()).toBe('The judge would also ask: Which part of the question did your answer leave out, and how would you cover it?');
    await card.getByRole('button', { name: 'Answer this follow-up' }).click();
    expect(await page.locator('#retry-note').textContent()).toContain('Which part of the question did your answer leave out, and how would you cover it?');
    await send(page, 'Watch the prediction distribution and the input features; concept drift needs labels or proxies.');
    const adaptiveQuestion = page.locator('li.question.adaptive-question');
    expect(await adaptiveQuestion.locator('.meta-label').textContent()).toBe("The judge's follow-up to question 1");
    expect(await page.locator('button.answer-adaptive').count()).toBe(0);
    // The session did not move on: the bank's follow-up is still the question to answer.
    expect(await current.locator('.meta-label').textContent()).toBe('Follow-up to question 1');
    const turns = await app.store.turns.bySession(new URL(page.url()).searchParams.get('session') ?? '');
    expect(turns.map((t) => [t.kind, t.adaptiveOf === null ? null : 'adaptive'])).toEqual([['main', null], ['main', 'adaptive']]);
    await shot(page, '14-adaptive-follow-up.png');

    await finish(page, 'Concept drift is a change in the relation between inputs and the label.');
    const rows = page.locator('#summary table.questions tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(1).locator('th').textContent()).toMatch(/^Judge's follow-up: /);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#summary button.export').click()]);
    expect(download.suggestedFilename()).toMatch(/^session-.+\.md$/);
    const markdown = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        stream.on('error', reject);
      }, reject);
    });
    expect(markdown).toContain(question);
    expect(markdown).toContain('concept drift needs labels or proxies');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the chat at 390 px', () => {
  it('keeps the progress line short, brings each grade into view, and lays the summary out without breaking words', async () => {
    const app = await files.start(createEmbeddedJudge(), 11);
    const page = await files.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(app.url);
    await shot(page, '20-setup-390.png');
    await start(page, 'practice', 2);
    await page.locator('li.question.current').waitFor();

    // A hint before answering: one key point's topic, counted in the summary.
    await page.locator('#hint').click();
    await expect.poll(() => page.locator('#hint-text').textContent()).toMatch(/^Hint: say something about .+\.$/);
    const lines = await page.evaluate(() => {
      const p = document.getElementById('progress') as HTMLElement;
      return p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight);
    });
    expect(lines).toBeLessThanOrEqual(2.1);

    while ((await page.locator('#summary').count()) === 0) {
      await send(page, 'Production inputs shift away from the training data, so we compare feature distributions and retrain.');
      // The new grade's top is on screen, not scrolled away below the composer.
      const top = await page.locator('li.msg.result').last().evaluate((n) => n.getBoundingClientRect().top);
      expect(top).toBeGreaterThanOrEqual(-1);
      expect(top).toBeLessThan(844 / 2);
    }
    await shot(page, '21-graded-390.png');
    const summary = page.locator('#summary');
    expect(await summary.locator('table.questions tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await summary.locator('table.questions tbody tr').first().locator('td[data-label="Hint used"]').textContent()).toBe('yes');
    expect(await brokenWords(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await summary.screenshot({ path: join(SCREENSHOT_DIR, '22-summary-390.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('leaving a session', () => {
  it('asks before leaving a session under way, and Back and Forward move between it and the setup', async () => {
    const app = await files.start(createEmbeddedJudge(), 13);
    const { page, problems } = await openPage(files.context, app.url);
    // An id from another browser: refused when malformed, used when it is one.
    await page.locator('.import summary').click();
    await page.locator('#import-id').fill('not-an-id');
    await page.locator('#import-button').click();
    expect(await page.locator('#profile-note').textContent()).toMatch(/^That is not a practice id/);
    const other = '6f1c2d3e-4a5b-4c6d-8e7f-001122334455';
    await page.locator('#import-id').fill(JSON.stringify({ candidateId: other }));
    await page.locator('#import-button').click();
    expect(await page.locator('#candidate-id').textContent()).toBe(other);
    expect(await page.evaluate(() => localStorage.getItem('coach.candidateId'))).toBe(other);
    expect(await page.locator('#history-link').getAttribute('href')).toBe(`/history?candidate=${other}`);
    await start(page, 'practice', 2);
    await page.locator('li.question.current').waitFor();
    await send(page, 'Inputs move away from the training data.');
    const sessionUrl = page.url();
    expect(sessionUrl).toContain('?session=');
    expect(sqliteOf(app.store).prepare('SELECT candidate_id FROM sessions').pluck().get()).toBe(other);

    await page.locator('#new-session').click();
    const dialog = page.locator('#confirm-new');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await shot(page, '15-confirm-new-session.png');
    await page.locator('#confirm-stay').click();
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.locator('#interview').isVisible()).toBe(true);

    await page.locator('#new-session').click();
    await page.locator('#confirm-leave').click();
    await page.locator('#setup').waitFor();
    expect(page.url()).not.toContain('session=');

    await page.goBack();
    await page.locator('#interview').waitFor();
    expect(page.url()).toBe(sessionUrl);
    expect(await page.locator('li.msg.answer').count()).toBe(1);
    await page.goForward();
    await page.locator('#setup').waitFor();
    expect(await page.locator('#interview').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});
