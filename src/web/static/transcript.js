// @ts-check
// Questions and answers as transcript items.
import { cap, el, fmtDuration } from './dom.js';

/**
 * @typedef {import('../client-types.js').QuestionView} QuestionView
 * @typedef {import('../client-types.js').TurnView} TurnView
 */

/**
 * @param {QuestionView | null} asked how the question was presented (null when the server no longer knows)
 * @param {string} text
 * @param {{ current?: boolean, retry?: boolean, adaptive?: boolean }} [options]
 */
export function questionItem(asked, text, { current = false, retry = false, adaptive = false } = {}) {
  const meta = el('p', { class: 'meta' });
  if (asked) {
    const label = adaptive
      ? `The judge's follow-up to question ${asked.number}`
      : asked.kind === 'follow-up' ? `Follow-up to question ${asked.number}` : `Question ${asked.number} of ${asked.total}`;
    meta.append(el('span', { class: 'meta-label', text: retry ? `Retry: ${label.toLowerCase()}` : label }));
    for (const badge of [cap(asked.type), cap(asked.difficulty), asked.areaLabel]) {
      if (badge) meta.append(' ', el('span', { class: 'badge', text: badge }));
    }
  }
  const item = el('li', { class: `msg question${current ? ' current' : ''}${adaptive ? ' adaptive-question' : ''}` }, meta);
  if (asked && asked.followUpTo) item.append(el('p', { class: 'context', text: `Following up on: ${asked.followUpTo}` }));
  item.append(el('p', { class: 'q-text', text }));
  return item;
}

/**
 * The candidate's answer; with its turn, how long it took and whether it came after the time limit.
 * @param {string} text
 * @param {number} attempt
 * @param {Pick<TurnView, 'timeSpentMs' | 'overTime' | 'hintUsed'> | null} [turn]
 */
export function answerItem(text, attempt, turn = null) {
  const meta = el('p', { class: 'meta' }, el('span', { text: attempt > 1 ? `Your answer (attempt ${attempt})` : 'Your answer' }));
  if (turn) {
    if (turn.timeSpentMs !== null) meta.append(' ', el('span', { class: 'time-spent', text: `· ${fmtDuration(turn.timeSpentMs)}` }));
    if (turn.overTime) meta.append(' ', el('span', { class: 'badge over-time', text: 'after the time limit' }));
    if (turn.hintUsed) meta.append(' ', el('span', { class: 'badge hint-used', text: 'hint used' }));
  }
  return el('li', { class: 'msg answer' }, meta, el('p', { class: 'answer-text', text }));
}

export function pendingItem() {
  return el(
    'li',
    { class: 'msg result grading', 'aria-busy': 'true' },
    el('p', { class: 'grading-text' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Grading your answer…'),
  );
}
