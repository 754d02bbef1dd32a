import { describe, expect, it } from 'vitest';
import type { GradingTask, GradeOptions, JudgeVerdict } from '../../src/judge/judge.js';
import { scriptedJudge, swappedVerdict } from '../helpers/scripted-llm-judge.js';
import { bank, browserForFile } from './browser.js';

const files = browserForFile();

describe('web chat with a slow LLM judge', () => {
  it('shows the seconds elapsed and lets the candidate stop waiting; the answer stays saved and its grade shows later', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    // A judge that takes as long as the test wants, like a local model at a minute a reply.
    const slow = async (task: GradingTask, options: GradeOptions | undefined): Promise<JudgeVerdict> => {
      await released;
      return swappedVerdict(4, 4)(task, options);
    };
    const app = await files.start(scriptedJudge([slow]));
    const page = await files.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(app.url);
    await page.locator('#topic').selectOption('foundations');
    await page.locator('#start').click();
    await page.locator('li.question.current').waitFor();
    const text = (await page.locator('li.question.current .q-text').textContent()) ?? '';
    const answer = bank.bank.questions.find((q) => q.title === text)?.referenceAnswer ?? 'An answer.';
    await page.locator('#answer').fill(answer);
    await page.locator('#answer').press('Control+Enter');

    const pending = page.locator('li.msg.result.grading');
    await pending.locator('.stop-waiting').waitFor();
    await expect.poll(() => pending.locator('.elapsed').textContent(), { timeout: 5000 }).toMatch(/^ [1-9]\d* s$/);
    await pending.getByRole('button', { name: 'Stop waiting' }).click();

    // The page stopped waiting: the answer is on its card as saved and being graded, the composer is free.
    const card = page.locator('li.msg.result').first();
    await expect.poll(() => card.textContent()).toContain('Your answer is saved and being graded');
    expect(await page.locator('#send').isDisabled()).toBe(false);
    expect(await page.locator('#status').textContent()).toContain('Stopped waiting');

    release();
    // The server finishes the grade; it shows when the page hears of it.
    await expect.poll(async () => (await card.locator('.score-num').count()) > 0, { timeout: 10_000 }).toBe(true);
    expect(await card.locator('.score-num').textContent()).toBe('4.0');
    expect(problems).toEqual([]);
    await page.close();
  });
});
