// Questions, answers and the session summary as transcript items.
import { cap, el, fmtScore, nextId } from './dom.js';

export function questionItem(asked, text, { current = false, retry = false } = {}) {
  const meta = el('p', { class: 'meta' });
  if (asked) {
    const label = asked.kind === 'follow-up' ? `Follow-up to question ${asked.number}` : `Question ${asked.number} of ${asked.total}`;
    meta.append(el('span', { class: 'meta-label', text: retry ? `Retry: ${label.toLowerCase()}` : label }));
    for (const badge of [cap(asked.type), cap(asked.difficulty), asked.areaLabel]) {
      if (badge) meta.append(' ', el('span', { class: 'badge', text: badge }));
    }
  }
  const item = el('li', { class: `msg question${current ? ' current' : ''}` }, meta);
  if (asked && asked.followUpTo) item.append(el('p', { class: 'context', text: `Following up on: ${asked.followUpTo}` }));
  item.append(el('p', { class: 'q-text', text }));
  return item;
}

export function answerItem(text, attempt) {
  return el(
    'li',
    { class: 'msg answer' },
    el('p', { class: 'meta', text: attempt > 1 ? `Your answer (attempt ${attempt})` : 'Your answer' }),
    el('p', { class: 'answer-text', text }),
  );
}

export function pendingItem() {
  return el(
    'li',
    { class: 'msg result grading', 'aria-busy': 'true' },
    el('p', { class: 'grading-text' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Grading your answer…'),
  );
}

/** The end-of-session summary; `onNewSession` runs from its "Start a new session" button. */
export function summaryItem(summary, onNewSession) {
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
  if (summary.byArea.length) {
    item.append(
      el(
        'table',
        { class: 'areas' },
        el('caption', { text: 'By topic' }),
        el('thead', {}, el('tr', {}, ['Topic', 'Graded answers', 'Mean score', 'Level'].map((h) => el('th', { scope: 'col', text: h })))),
        el(
          'tbody',
          {},
          summary.byArea.map((a) =>
            el('tr', {}, el('th', { scope: 'row', text: a.label }), el('td', { text: String(a.graded) }), el('td', { text: fmtScore(a.meanScore) }), el('td', { text: cap(a.level) })),
          ),
        ),
      ),
    );
  }
  const areas = (xs) => (xs.length ? xs.join(', ') : 'none');
  item.append(
    el('p', {}, el('strong', { text: 'Strong areas: ' }), areas(summary.strongAreas)),
    el('p', {}, el('strong', { text: 'Weak areas: ' }), areas(summary.weakAreas)),
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
  item.append(el('div', { class: 'actions' }, el('button', { type: 'button', text: 'Start a new session', onclick: onNewSession })));
  return item;
}
