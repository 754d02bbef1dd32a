// @ts-check
// The end-of-session summary: the mean, one row per question, weak areas and missed key points, all as
// the server computed them.
import { cap, el, fmtDuration, fmtScore, nextId } from './dom.js';

/** @typedef {import('../client-types.js').SessionSummary} SessionSummary */

const KIND_PREFIX = { main: '', 'follow-up': 'Follow-up: ', adaptive: "Judge's follow-up: " };
const yesNo = (/** @type {boolean} */ b) => (b ? 'yes' : 'no');

/** @param {SessionSummary['questions']} questions */
function questionsTable(questions) {
  const heads = ['Question', 'Score', 'Attempts', 'Hint used', 'Model answer seen before retry', 'Time'];
  return el(
    'table',
    { class: 'questions stacked' },
    el('caption', { text: 'Each question' }),
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col', text: h })))),
    el(
      'tbody',
      {},
      questions.map((q) => {
        const time = q.timeSpentMs === null ? '–' : `${fmtDuration(q.timeSpentMs)}${q.overTime ? ' (over the limit)' : ''}`;
        const cells = [fmtScore(q.score), String(q.attempts), yesNo(q.hintUsed), yesNo(q.modelAnswerViewedBeforeRetry), time];
        return el(
          'tr',
          { 'data-question-id': q.questionId },
          el('th', { scope: 'row', 'data-label': heads[0] }, el('span', { class: 'q-kind', text: KIND_PREFIX[q.kind] }), q.question),
          cells.map((c, i) => el('td', { 'data-label': heads[i + 1], text: c })),
        );
      }),
    ),
  );
}

/** @param {SessionSummary['byArea']} byArea */
function areasTable(byArea) {
  const heads = ['Topic', 'Graded answers', 'Mean score', 'Level'];
  return el(
    'table',
    { class: 'areas stacked' },
    el('caption', { text: 'By topic' }),
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col', text: h })))),
    el(
      'tbody',
      {},
      byArea.map((a) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row', 'data-label': heads[0], text: a.label }),
          [String(a.graded), fmtScore(a.meanScore), cap(a.level)].map((c, i) => el('td', { 'data-label': heads[i + 1], text: c })),
        ),
      ),
    ),
  );
}

/**
 * @param {SessionSummary} summary
 * @param {{ onNewSession: () => void, onExport: () => void }} actions
 */
export function summaryItem(summary, { onNewSession, onExport }) {
  const item = el('li', { class: 'msg summary', id: 'summary' });
  const headingId = nextId('summary');
  item.setAttribute('aria-labelledby', headingId);
  item.append(el('h3', { id: headingId, tabindex: '-1', text: 'Session summary' }));
  if (summary.meanScore === null) {
    item.append(el('p', { text: 'No answer has a grade yet, so there is no score to show.' }));
  } else {
    item.append(
      el(
        'p',
        { class: 'summary-score' },
        el('span', { class: 'score-num', text: fmtScore(summary.meanScore) }),
        el('span', { class: 'score-of', text: ' / 5 mean' }),
        summary.level ? el('span', { class: 'level', text: summary.level }) : null,
        el('span', { class: 'muted', text: ` over ${summary.graded} graded answer${summary.graded === 1 ? '' : 's'}` }),
      ),
    );
  }
  if (summary.ungraded.length) {
    const n = summary.ungraded.length;
    item.append(el('p', { class: 'warn', text: `${n} answer${n === 1 ? ' is' : 's are'} saved but not graded yet, and left out of these scores. Use "Try grading again" on ${n === 1 ? 'it' : 'them'} above.` }));
  }
  if (summary.questions.length) item.append(questionsTable(summary.questions));
  if (summary.byArea.length) item.append(areasTable(summary.byArea));
  const areas = (/** @type {string[]} */ xs) => (xs.length ? xs.join(', ') : 'none');
  item.append(
    el('p', { class: 'strong-areas' }, el('strong', { text: 'Strong areas: ' }), areas(summary.strongAreas)),
    el('p', { class: 'weak-areas' }, el('strong', { text: 'Weak areas: ' }), areas(summary.weakAreas)),
  );
  if (summary.missedKeyPoints.length) {
    item.append(
      el('h4', { text: 'Key points most often missed' }),
      el(
        'ol',
        { class: 'missed' },
        summary.missedKeyPoints.map((m) => {
          const counts = [m.missed ? `missed ${m.missed}×` : '', m.partial ? `partly ${m.partial}×` : ''].filter(Boolean).join(', ');
          return el('li', {}, el('span', { text: m.statement }), el('span', { class: 'muted', text: ` (${counts}; ${m.question})` }));
        }),
      ),
    );
  }
  item.append(
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', class: 'export', text: 'Download transcript (Markdown)', onclick: onExport }),
      el('button', { type: 'button', class: 'secondary', text: 'Start a new session', onclick: onNewSession }),
    ),
  );
  return item;
}
