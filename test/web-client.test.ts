// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { codePointLength, INVISIBLE_CHARS_SOURCE, stripInvisible } from '../src/text/untrusted-input.js';
import { TurnFailureReason } from '../src/store/turns-repo.js';
import { fmtClock, startCountdown } from '../src/web/static/countdown.js';
import { resultItem, REASONS } from '../src/web/static/grade-card.js';
import { exportText, isCandidateId, loadOrCreateId, parseImport, STORAGE_KEY } from '../src/web/static/profile.js';
import { summaryItem } from '../src/web/static/summary.js';
import { clipVisible, INVISIBLE, pasteWithin, visibleLength } from '../src/web/static/text-limit.js';
import { answerItem } from '../src/web/static/transcript.js';
import type { TurnView } from '../src/web/client-types.js';
import { grade, summary, turn } from './helpers/client-fixtures.js';

const actions = (over: Partial<Parameters<typeof resultItem>[1]> = {}) => ({
  regrade: vi.fn(),
  reveal: vi.fn(async () => ({ answer: 'The model <em>answer</em>.', explanation: 'Because.' })),
  answerAdaptive: vi.fn(),
  canReveal: () => true,
  canAnswerAdaptive: () => true,
  ...over,
});
const texts = (root: ParentNode, selector: string) => [...root.querySelectorAll(selector)].map((n) => n.textContent);

beforeEach(() => {
  document.body.replaceChildren();
});

describe('grade card', () => {
  it('shows the advice lines the server wrote, and no bookkeeping or restated key points', () => {
    const card = resultItem(turn(), actions());
    expect(texts(card, 'ul.advice li')).toEqual([
      'To reach strong: say how you would detect it, e.g. compare feature distributions with PSI.',
      'To reach strong: say what triggers a retrain.',
    ]);
    expect(card.querySelector('ul.advice li')?.getAttribute('data-key-point')).toBe('detect');
    // A strength that is a key point's statement is already marked ✓; the other is the judge's own.
    expect(texts(card, 'ul.strengths li')).toEqual(['Clear <img src=x onerror=alert(1)> wording']);
    expect(card.textContent).not.toMatch(/see above|marked above|Covered \d of \d/);
    expect(card.querySelector('ul.gaps')).toBeNull();
  });

  it('renders judge and candidate text as text, never as markup', () => {
    const card = resultItem(turn(), actions());
    document.body.append(card);
    expect(card.querySelector('img, b, em')).toBeNull();
    expect(card.querySelector('blockquote.evidence')?.textContent).toBe('Evidence from your answer: Inputs move <b>away</b>.');
  });

  it('has a plain sentence for every reason a turn can fail', () => {
    expect(Object.keys(REASONS).sort()).toEqual([...TurnFailureReason.options].sort());
    const failed = turn({ status: 'failed', grade: null, advice: [], failure: { reason: 'timeout', detail: 'after 60 s' } });
    const card = resultItem(failed, actions());
    expect(card.querySelector('.failed-text')?.textContent).toBe('Your answer is saved, but it could not be graded: the judge took too long (after 60 s).');
    expect(card.querySelector('button.regrade')).not.toBeNull();
  });

  it('fetches the model answer on the first click, then toggles it', async () => {
    const a = actions();
    const t = turn();
    const card = resultItem(t, a);
    const button = card.querySelector<HTMLButtonElement>('button.reveal');
    expect(button?.textContent).toBe('Show model answer');
    expect(card.querySelector('.reference')).toBeNull();
    button?.click();
    await vi.waitFor(() => expect(card.querySelector('.reference')).not.toBeNull());
    expect(a.reveal).toHaveBeenCalledWith(t);
    expect(card.querySelector('.reference p')?.textContent).toBe('The model <em>answer</em>.');
    expect(card.querySelector('.reference em')).toBeNull();
    expect(button?.getAttribute('aria-expanded')).toBe('true');
    button?.click();
    expect(card.querySelector<HTMLElement>('.reference')?.hidden).toBe(true);
    expect(a.reveal).toHaveBeenCalledTimes(1);
  });

  it('records the first view even when the answer came with the turn, and not twice', async () => {
    const reference = { answer: 'Given with the turn.', explanation: null };
    const a = actions({ reveal: vi.fn(async () => null) });
    const card = resultItem(turn({ reference }), a);
    card.querySelector<HTMLButtonElement>('button.reveal')?.click();
    await vi.waitFor(() => expect(card.querySelector('.reference p')?.textContent).toBe('Given with the turn.'));
    expect(a.reveal).toHaveBeenCalledTimes(1);
    const seen = actions();
    resultItem(turn({ reference, modelAnswerViewed: true }), seen).querySelector<HTMLButtonElement>('button.reveal')?.click();
    expect(seen.reveal).not.toHaveBeenCalled();
  });

  it('offers no model answer while the session hides it (mock before the end)', () => {
    const card = resultItem(turn(), actions({ canReveal: () => false }));
    expect(card.querySelector('button.reveal')).toBeNull();
  });

  it("offers to answer the judge's follow-up only when the session allows it", () => {
    const t = turn({ grade: grade({ adaptiveFollowUp: 'How would you <script>detect</script> it?' }) });
    const a = actions();
    const card = resultItem(t, a);
    expect(card.querySelector('.adaptive')?.textContent).toBe('The judge would also ask: How would you <script>detect</script> it?');
    card.querySelector<HTMLButtonElement>('button.answer-adaptive')?.click();
    expect(a.answerAdaptive).toHaveBeenCalledWith(t);
    expect(resultItem(t, actions({ canAnswerAdaptive: () => false })).querySelector('button.answer-adaptive')).toBeNull();
  });
});

describe('answer bubble', () => {
  it('shows the time spent, a late answer and a hint', () => {
    const item = answerItem('My answer', 1, { timeSpentMs: 125_000, overTime: true, hintUsed: true });
    expect(item.querySelector('.meta')?.textContent).toBe('Your answer · 2 min 05 s after the time limit hint used');
    expect(answerItem('x', 2).querySelector('.meta')?.textContent).toBe('Your answer (attempt 2)');
  });
});

describe('summary', () => {
  it('has one row per question with score, attempts, hint, model answer before retry and time', () => {
    const onExport = vi.fn();
    const item = summaryItem(summary(), { onNewSession: vi.fn(), onExport });
    const rows = [...item.querySelectorAll('table.questions tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['What is data drift?', '1.0', '2', 'yes', 'yes', '1 min 15 s'],
      ['Follow-up: What is concept drift?', '4.5', '1', 'no', 'no', '4 min 10 s (over the limit)'],
    ]);
    // Each cell names its column, for the stacked layout of a narrow screen.
    expect(texts(item, 'table.questions tbody tr:first-child td').length).toBe(5);
    expect([...item.querySelectorAll('table.questions tbody td')].map((td) => td.getAttribute('data-label')).slice(0, 5)).toEqual([
      'Score', 'Attempts', 'Hint used', 'Model answer seen before retry', 'Time',
    ]);
    expect(item.querySelector('.weak-areas')?.textContent).toBe('Weak areas: Drift and monitoring');
    expect(item.querySelector('.strong-areas')?.textContent).toBe('Strong areas: none');
    item.querySelector<HTMLButtonElement>('button.export')?.click();
    expect(onExport).toHaveBeenCalledTimes(1);
  });

  it('says when nothing is graded, and counts answers left out', () => {
    const item = summaryItem(summary({ meanScore: null, level: null, graded: 0, ungraded: [{ turnId: 't', questionId: 'q', status: 'failed' }] }), { onNewSession: vi.fn(), onExport: vi.fn() });
    expect(item.textContent).toContain('No answer has a grade yet');
    expect(item.querySelector('.warn')?.textContent).toContain('1 answer is saved but not graded yet');
  });
});

describe('answer length', () => {
  it('removes the same characters as the server and counts code points', () => {
    expect(INVISIBLE.source).toBe(INVISIBLE_CHARS_SOURCE);
    for (const sample of ['plain text', '📈📉 emoji', 'e\u0301 combining', 'zero\u200bwidth\u0000nul', 'tags\u{e0041}\u{e0042}', 'line\nand\ttab']) {
      expect(visibleLength(sample)).toBe(codePointLength(stripInvisible(sample).text));
    }
  });

  it('cuts whole code points and says how many were left out', () => {
    expect(clipVisible('ab📈cd', 3)).toEqual({ kept: 'ab📈', cut: 2 });
    expect(clipVisible('a\u200bb', 1)).toEqual({ kept: 'a\u200b', cut: 1 });
    expect(clipVisible('short', 10)).toEqual({ kept: 'short', cut: 0 });
  });

  it('keeps a paste within the limit, at the caret', () => {
    const box = document.createElement('textarea');
    document.body.append(box);
    box.value = 'start end';
    box.setSelectionRange(6, 6);
    const cut = pasteWithin(box, '📈'.repeat(10), 12);
    expect(cut).toBe(7);
    expect(box.value).toBe('start 📈📈📈end');
    expect(visibleLength(box.value)).toBe(12);
  });
});

describe('mock countdown', () => {
  it('counts down on the clock it is given and calls time once', () => {
    let now = Date.parse('2026-12-01T10:00:00.000Z');
    const ticks: (() => void)[] = [];
    const clock = { now: () => now, every: (_ms: number, fn: () => void) => (ticks.push(fn), () => ticks.splice(ticks.indexOf(fn), 1)) };
    const node = document.createElement('p');
    const onExpire = vi.fn();
    startCountdown(node, { askedAt: '2026-12-01T09:59:30.000Z', limitSeconds: 240, clock, onExpire });
    expect(node.textContent).toBe('Time left: 3:30');
    now += 180_500;
    for (const t of [...ticks]) t();
    expect(node.textContent).toBe('Time left: 0:30');
    expect(node.classList.contains('low')).toBe(true);
    now += 30_000;
    for (const t of [...ticks]) t();
    expect(node.textContent).toBe('Time is up');
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(ticks).toEqual([]);
    expect(fmtClock(61_000)).toBe('1:01');
  });
});

describe('practice profile', () => {
  it('makes an id once and keeps it', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage;
    const id = loadOrCreateId(storage);
    expect(isCandidateId(id)).toBe(true);
    expect(store.get(STORAGE_KEY)).toBe(id);
    expect(loadOrCreateId(storage, () => 'not used')).toBe(id);
    store.set(STORAGE_KEY, 'garbage');
    expect(loadOrCreateId(storage, () => '11111111-2222-4333-8444-555555555555')).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('imports a bare id or an exported file and refuses anything else with a reason', () => {
    const id = '0b7f3a52-8f0e-4c5e-9a51-3f2d6c1b9e7a';
    expect(parseImport(` ${id.toUpperCase()} `)).toEqual({ id });
    expect(parseImport(exportText(id))).toEqual({ id });
    expect(parseImport('')).toEqual({ error: expect.stringContaining('Paste a practice id') });
    expect(parseImport('{"candidateId": 5}')).toEqual({ error: 'That file has no candidateId.' });
    expect(parseImport('{oops')).toEqual({ error: expect.stringContaining('not valid JSON') });
    expect(parseImport('1234')).toEqual({ error: expect.stringContaining('not a practice id') });
  });
});

// The fixture is typed by the schemas; this line fails to compile when a field the client reads disappears.
const _typed: TurnView = turn();
void _typed;

describe('answer box', () => {
  it('says how much of a paste over the limit was left out, counting code points as the server does', async () => {
    document.body.innerHTML = '<textarea id="answer"></textarea><span id="answer-count"></span><p id="paste-note"></p>';
    const { composer } = await import('../src/web/static/composer.js');
    composer({ max: 10, onSend: vi.fn(), onEscape: vi.fn() });
    const answer = document.getElementById('answer') as HTMLTextAreaElement;
    answer.value = 'abcd';
    answer.setSelectionRange(4, 4);
    const data = new DataTransfer();
    data.setData('text/plain', '📈📈📈📈📈📈📈📈');
    const paste = new ClipboardEvent('paste', { clipboardData: data, cancelable: true, bubbles: true });
    answer.dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    expect(answer.value).toBe('abcd📈📈📈📈📈📈');
    expect(document.getElementById('paste-note')?.textContent).toBe('The answer is limited to 10 characters: the last 2 characters of what you pasted were left out.');
    expect(document.getElementById('answer-count')?.textContent).toBe('10 / 10 (limit reached)');
  });
});

describe('review with nothing due', () => {
  it('says so, with the date the server gave, or that nothing was missed yet', async () => {
    const { nothingDueText } = await import('../src/web/static/setup.js');
    expect(nothingDueText(null)).toMatch(/^Nothing to review yet: none of your graded answers has missed a key point\./);
    expect(nothingDueText('2026-12-02T12:50:00.000Z')).toMatch(/^Nothing is due for review yet\. The next question is due on Wednesday, (December 2|2 December)\b.*:50.*\.$/);
  });
});
