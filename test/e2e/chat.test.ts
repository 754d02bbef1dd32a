import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import { scriptedJudge, swappedVerdict, unscoredVerdict } from '../helpers/scripted-llm-judge.js';
import { bank, browserForFile, openPage as openIn, SCREENSHOT_DIR, send, shot, strongAnswerFor } from './browser.js';

const XSS = '<img src=x onerror=alert(1)>';

const files = browserForFile();

const openPage = (url: string) => openIn(files.context, url);

describe('web chat with the embedded judge', () => {
  it('runs a 2-question session: grade with evidence, model answer, retry, follow-up, XSS as text, summary, reload', async () => {
    const app = await files.start(createEmbeddedJudge());
    const { page, problems } = await openPage(app.url);

    await expect.poll(() => page.locator('.judge-badge').textContent()).toBe('Embedded judge (offline, no LLM)');
    await page.locator('#topic').selectOption('drift-and-monitoring');
    await page.locator('#count').fill('2');
    await shot(page, '01-setup.png');
    await page.locator('#start').click();

    // Question 1: shown with its type and difficulty, focus in the answer box.
    const current = page.locator('li.question.current');
    await current.waitFor();
    await expect.poll(() => current.locator('.meta').textContent()).toMatch(/^Question 1 of 2 (Conceptual|Scenario) (Easy|Medium|Hard) Drift and monitoring$/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('answer');
    // A desktop with a mouse: the keyboard shortcut is offered.
    expect(await page.locator('.kbd-hint').isVisible()).toBe(true);

    // A weak first answer, then the counter and Ctrl+Enter.
    await page.locator('#answer').fill('The model gets worse over time.');
    expect(await page.locator('#answer-count').textContent()).toBe('31 / 8,000');
    await page.locator('#answer').press('Control+Enter');
    await page.locator('li.msg.result-graded').first().waitFor();
    const firstCard = page.locator('li.msg.result-graded').first();
    expect(await firstCard.locator('.score-num').textContent()).toMatch(/^[1-5]\.\d$/);
    expect(await firstCard.locator('.judge-line').textContent()).toContain('Graded by Embedded judge (offline, no LLM)');
    // The embedded judge says on the card what it cannot check, and how to get a judge that can.
    const caveat = firstCard.locator('.judge-line .caveat');
    expect(await caveat.isVisible()).toBe(true);
    expect(await caveat.textContent()).toMatch(/checks which key points your answer covers, not whether each statement in it is correct.*OPENAI_API_KEY/);

    // What to add, one line per missed key point, as the server wrote it.
    expect(await firstCard.locator('ul.advice li').first().textContent()).toMatch(/^To reach (weak|adequate|strong|excellent): /);

    // Retry the same question with a strong answer.
    await firstCard.getByRole('button', { name: 'Retry this question' }).click();
    expect(await page.locator('#retry-note').isVisible()).toBe(true);
    const q1Text = (await page.locator('li.question').first().locator('.q-text').textContent()) ?? '';
    const q1 = bank.bank.questions.find((x) => x.title === q1Text);
    expect(q1).toBeDefined();
    await send(page, q1?.referenceAnswer ?? '');
    const retryCard = page.locator('li.msg.result-graded').nth(1);
    expect(await page.locator('li.msg.answer .meta').nth(1).textContent()).toMatch(/^Your answer \(attempt 2\) · \d+ s$/);
    const retryScore = Number(await retryCard.locator('.score-num').textContent());
    // The model answer reads as "strong" (level 4) or better: ridge weights pull the very top towards the mean.
    expect(retryScore).toBeGreaterThanOrEqual(3.5);
    // Per key point: verdict and the quoted evidence from the answer.
    const covered = retryCard.locator('li.kp-covered');
    expect(await covered.count()).toBeGreaterThan(0);
    const evidence = (await covered.first().locator('blockquote.evidence').textContent()) ?? '';
    expect(evidence.replace(/^Evidence from your answer: /, '').length).toBeGreaterThan(10);
    expect(q1?.referenceAnswer).toContain(evidence.replace(/^Evidence from your answer: /, ''));

    // Model answer and explanation appear only when asked for.
    const reveal = retryCard.locator('button[aria-controls]');
    expect(await reveal.textContent()).toBe('Show model answer');
    expect(await retryCard.locator('.reference').isVisible()).toBe(false);
    await reveal.click();
    // The first opening records the view with the server before it shows the answer: wait for that round trip.
    await expect.poll(() => retryCard.locator('.reference').isVisible()).toBe(true);
    expect(await retryCard.locator('.reference').textContent()).toContain(q1?.explanation ?? '???');
    expect(await reveal.getAttribute('aria-expanded')).toBe('true');
    expect(await reveal.textContent()).toBe('Hide model answer');
    await shot(page, '02-graded-with-evidence.png');

    // The follow-up, answered with markup that must show as text.
    await expect.poll(() => current.locator('.meta-label').textContent()).toBe('Follow-up to question 1');
    expect(await current.locator('.q-text').textContent()).toBe(q1?.followUp.question);
    await send(page, XSS);
    const xssBubble = page.locator('li.msg.answer .answer-text').nth(2);
    expect(await xssBubble.textContent()).toBe(XSS);
    expect(await page.locator('#transcript img').count()).toBe(0);
    await shot(page, '03-follow-up-xss-as-text.png');

    // Question 2 and its follow-up, keyboard only: focus is already in the answer box.
    await current.waitFor();
    expect(await current.locator('.meta-label').textContent()).toBe('Question 2 of 2');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('answer');
    const strong2 = await strongAnswerFor(page);
    await page.keyboard.insertText(strong2);
    await page.keyboard.press('Control+Enter');
    await page.locator('li.msg.result:not(.grading)').nth(3).waitFor();
    await page.keyboard.insertText('I do not know.');
    // Tab to the send button (the next control after the answer box): the focus ring must be visible.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');

    // The summary: mean score, per topic, most-missed key points.
    const summary = page.locator('#summary');
    await summary.waitFor();
    expect(await summary.locator('h3').textContent()).toBe('Session summary');
    expect(await summary.locator('.summary-score .score-num').textContent()).toMatch(/^[1-5]\.\d$/);
    expect(await summary.locator('table.areas tbody th').allTextContents()).toEqual(['Drift and monitoring']);
    expect(await summary.locator('h4', { hasText: 'Key points most often missed' }).count()).toBe(1);
    expect(await summary.locator('ol.missed li').count()).toBeGreaterThan(0);
    expect(await page.locator('#answer-form').isVisible()).toBe(false);
    await summary.screenshot({ path: join(SCREENSHOT_DIR, '04-summary.png') });
    await shot(page, '04-summary-full-page.png');

    // Everything is in the database, and a reload rebuilds the same transcript from it.
    const sessionId = new URL(page.url()).searchParams.get('session') ?? '';
    expect((await app.store.turns.bySession(sessionId)).map((t) => [t.kind, t.attempt, t.status])).toEqual([
      ['main', 1, 'graded'],
      ['main', 2, 'graded'],
      ['follow-up', 1, 'graded'],
      ['main', 1, 'graded'],
      ['follow-up', 1, 'graded'],
    ]);
    await page.reload();
    await page.locator('#summary').waitFor();
    expect(await page.locator('li.msg.answer').count()).toBe(5);
    expect(await page.locator('li.msg.answer .answer-text').nth(2).textContent()).toBe(XSS);
    expect(await page.locator('#transcript img').count()).toBe(0);

    expect(problems).toEqual([]);
    expect(app.errors).toEqual([]);
    await page.close();
  });
});

describe('web chat with an LLM judge that fails first', () => {
  it('says the answer is saved, grades it again on request and shows both order scores', async () => {
    const app = await files.start(scriptedJudge([unscoredVerdict('the provider answered 503 three times'), swappedVerdict(3, 4)]));
    const { page, problems } = await openPage(app.url);
    await expect.poll(() => page.locator('.judge-badge').textContent()).toBe('LLM judge: fake-llm-1');
    await page.locator('#topic').selectOption('foundations');
    await page.locator('#start').click();
    await page.locator('li.question.current').waitFor();
    await send(page, await strongAnswerFor(page));

    const card = page.locator('li.msg.result').first();
    await card.locator('.failed-text').waitFor();
    expect(await card.locator('.failed-text').textContent()).toBe(
      'Your answer is saved, but it could not be graded: the judge could not be reached (the provider answered 503 three times).',
    );
    const turnId = (await card.getAttribute('data-turn-id')) ?? '';
    expect(await app.store.turns.get(turnId)).toMatchObject({ status: 'failed', failure: { reason: 'provider-unavailable' } });
    await shot(page, '05-judge-failed.png');

    await card.getByRole('button', { name: 'Try grading again' }).click();
    await card.locator('.score-num').waitFor();
    expect(await card.locator('.score-num').textContent()).toBe('3.5');
    expect(await card.locator('.judge-line').textContent()).toContain('Graded by LLM judge: fake-llm-1');
    expect(await card.locator('.caveat').count()).toBe(0);
    expect(await card.locator('.orders dt').allTextContents()).toEqual(['Reference first', 'Reference last', 'Spread']);
    expect(await card.locator('.orders dd').allTextContents()).toEqual(['3.0', '4.0', '1']);
    expect(await card.locator('.adaptive').textContent()).toContain('The judge would also ask:');
    expect((await app.store.turns.get(turnId))?.status).toBe('graded');
    // The failed grade's two calls are in the audit log too, then the regrade's two.
    expect((await app.store.llmCalls.byTurn(turnId)).map((c) => c.order)).toEqual(['reference-first', 'reference-last', 'reference-first', 'reference-last']);
    await shot(page, '06-regraded-llm-both-orders.png');

    expect(problems).toEqual([]);
    await page.close();
  });
});
