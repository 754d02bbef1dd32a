// @ts-check
// The card under an answer: the grade with its evidence and what to add, or why there is none yet.
import { el, fmtScore, nextId } from './dom.js';

/**
 * @typedef {import('../client-types.js').TurnView} TurnView
 * @typedef {import('../client-types.js').Grade} Grade
 * @typedef {import('../client-types.js').KeyPointResult} KeyPointResult
 * @typedef {import('../client-types.js').TurnFailureReason} TurnFailureReason
 * @typedef {import('../client-types.js').Advice} Advice
 * @typedef {import('../client-types.js').Reference} Reference
 */

/**
 * What the card does when its buttons are pressed; each is given the card and the turn.
 * @typedef {object} CardActions
 * @property {(item: HTMLElement, turn: TurnView, button: HTMLButtonElement) => void} regrade
 * @property {(turn: TurnView) => Promise<Reference | null>} reveal fetch the model answer (null: not allowed now)
 * @property {(turn: TurnView) => void} answerAdaptive start answering the judge's own follow-up
 * @property {(turn: TurnView) => boolean} canReveal whether the model answer may be shown now
 * @property {(turn: TurnView) => boolean} canAnswerAdaptive whether this turn's adaptive follow-up can be answered now
 */

/** A plain sentence for every reason a turn can have no grade. @type {Record<TurnFailureReason, string>} */
export const REASONS = {
  refusal: 'the judge refused to grade it',
  truncated: "the judge's reply was cut off",
  'invalid-output': 'the judge replied with something that is not a valid grade',
  'provider-unavailable': 'the judge could not be reached',
  timeout: 'the judge took too long',
  'judge-error': 'the judge failed',
  'reply-too-large': "the judge's reply was too large to read",
  overloaded: 'the coach is busy right now; try grading it again in a few seconds',
};

/** @param {Pick<Grade['judge'], 'kind' | 'model'> | null | undefined} judge */
export function judgeName(judge) {
  if (!judge) return 'unknown judge';
  return judge.kind === 'embedded' ? 'Embedded judge (offline, no LLM)' : `LLM judge: ${judge.model}`;
}

/** @param {string[]} items @param {string} cls */
const list = (items, cls) => el('ul', { class: cls }, items.map((t) => el('li', { text: t })));

const VERDICT_TEXT = { covered: 'Covered', partial: 'Partly covered', missing: 'Missing' };
const VERDICT_MARK = { covered: '✓', partial: '◐', missing: '✗' };

/** @param {KeyPointResult[]} keyPoints */
function keyPointsBlock(keyPoints) {
  return el(
    'ul',
    { class: 'keypoints' },
    keyPoints.map((kp) =>
      el(
        'li',
        { class: `kp kp-${kp.verdict}`, 'data-key-point': kp.id },
        el(
          'p',
          { class: 'kp-head' },
          el('span', { class: 'verdict', 'aria-hidden': 'true', text: VERDICT_MARK[kp.verdict] }),
          el('span', { class: 'verdict-label', text: `${VERDICT_TEXT[kp.verdict]}:` }),
          ' ',
          el('span', { class: 'kp-statement', text: kp.statement }),
        ),
        kp.evidence
          ? el('blockquote', { class: 'evidence' }, el('span', { class: 'sr-only', text: 'Evidence from your answer: ' }), kp.evidence)
          : null,
        kp.flag ? el('p', { class: 'kp-flag', text: kp.flag }) : null,
      ),
    ),
  );
}

/**
 * What to do next, from the structured `advice` (one line per missed or partial key point, written by the
 * server as "To reach <level>: <what to add>"). The judge's strengths and gaps are shown only where they add
 * to the key points above: a strength that is a key point's statement is already marked ✓, and the advice
 * replaces the gap list when there is advice.
 * @param {Grade} g
 * @param {Advice[]} advice
 */
function feedbackBlock(g, advice) {
  const statements = new Set(g.keyPoints.map((k) => k.statement));
  const strengths = g.strengths.filter((t) => !statements.has(t));
  const out = [];
  if (advice.length) {
    out.push(el('h4', { text: 'To improve' }), el('ul', { class: 'advice' }, advice.map((a) => el('li', { 'data-key-point': a.keyPointId, 'data-status': a.status, text: a.text }))));
  } else if (g.gaps.length && !g.keyPoints.length) {
    out.push(el('h4', { text: 'Gaps' }), list(g.gaps, 'gaps'));
  }
  if (strengths.length) out.push(el('h4', { text: 'Strengths' }), list(strengths, 'strengths'));
  return out;
}

// Shown on every grade whose judge cannot tell a true statement from a false one in the same words.
export const CORRECTNESS_CAVEAT =
  'This offline judge checks which key points your answer covers, not whether each statement in it is correct. ' +
  'To have answers graded for meaning, start the coach with an LLM judge (set OPENAI_API_KEY or OPENAI_BASE_URL).';

/** @param {Grade} grade */
function judgeBlock(grade) {
  const block = el('div', { class: 'judge-line' });
  block.append(el('p', { text: `Graded by ${judgeName(grade.judge)}` }));
  if (grade.judge.verifiesCorrectness === false) block.append(el('p', { class: 'caveat', text: CORRECTNESS_CAVEAT }));
  const c = grade.consistency;
  if (grade.judge.kind === 'llm' && c) {
    const orders = el('dl', { class: 'orders' });
    orders.append(el('dt', { text: 'Reference first' }), el('dd', { text: fmtScore(c.referenceFirst) }));
    orders.append(el('dt', { text: 'Reference last' }), el('dd', { text: fmtScore(c.referenceLast) }));
    if (c.spread !== null) orders.append(el('dt', { text: 'Spread' }), el('dd', { text: String(c.spread) }));
    block.append(orders);
    if (c.inconsistent) {
      const how = c.resolution === 'low-confidence' ? 'the score is low-confidence' : 'the mean is shown';
      block.append(el('p', { class: 'warn', text: `The two orders disagreed; ${how}.` }));
    }
  }
  if (grade.judge.calibration && grade.rawScore !== null) {
    block.append(el('p', { class: 'muted', text: `Calibrated from a raw judge score of ${fmtScore(grade.rawScore)}.` }));
  }
  if (grade.usage) {
    block.append(el('p', { class: 'muted', text: `${grade.usage.promptTokens + grade.usage.completionTokens} tokens, ${grade.latencyMs} ms` }));
  }
  return block;
}

/** @param {Reference} reference @param {string} id */
function referencePanel(reference, id) {
  return el(
    'div',
    { class: 'reference', id },
    el('h4', { text: 'Model answer' }),
    el('p', { text: reference.answer }),
    reference.explanation ? [el('h4', { text: 'Explanation' }), el('p', { text: reference.explanation })] : null,
  );
}

/**
 * "Show model answer". The first opening asks the server (which records that the answer was viewed, for the
 * summary's "model answer seen before retry") unless that is already recorded; then it toggles.
 * @param {TurnView} turn @param {CardActions} actions @param {HTMLElement} host
 */
function referenceToggle(turn, actions, host) {
  if (!turn.reference && !actions.canReveal(turn)) return [];
  const id = nextId('reference');
  /** @type {HTMLElement | null} */
  let panel = null;
  const button = el('button', { type: 'button', class: 'secondary reveal', 'aria-expanded': 'false', 'aria-controls': id, text: 'Show model answer' });
  button.addEventListener('click', async () => {
    if (!panel) {
      button.disabled = true;
      const fetched = turn.modelAnswerViewed ? null : await actions.reveal(turn);
      button.disabled = false;
      const reference = fetched ?? turn.reference;
      if (!reference) return;
      panel = referencePanel(reference, id);
      host.append(panel);
    } else {
      panel.hidden = !panel.hidden;
    }
    const open = !panel.hidden;
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Hide model answer' : 'Show model answer';
  });
  return [button];
}

/** @param {TurnView} turn @param {CardActions} actions */
export function resultItem(turn, actions) {
  const item = el('li', { class: 'msg result', 'data-turn-id': turn.id });
  fillResult(item, turn, actions);
  return item;
}

/** (Re)draw a result card in place. @param {HTMLElement} item @param {TurnView} turn @param {CardActions} actions */
export function fillResult(item, turn, actions) {
  item.replaceChildren();
  item.className = `msg result result-${turn.status}`;
  item.removeAttribute('aria-busy');
  const buttons = el('div', { class: 'actions' });

  if (turn.status === 'graded' && turn.grade) {
    const g = turn.grade;
    const headingId = nextId('score');
    item.append(
      el(
        'h3',
        { class: 'score', id: headingId, tabindex: '-1' },
        el('span', { class: 'score-num', text: fmtScore(g.score) }),
        el('span', { class: 'score-of', text: ' / 5' }),
        g.level ? el('span', { class: `level level-${g.level.value}`, text: g.level.label }) : null,
      ),
    );
    item.setAttribute('aria-labelledby', headingId);
    item.append(judgeBlock(g));
    if (g.flags.length) item.append(el('p', { class: 'warn', text: `Flags: ${g.flags.join(', ')}` }));
    if (g.keyPoints.length) item.append(el('h4', { text: 'Key points' }), keyPointsBlock(g.keyPoints));
    item.append(...feedbackBlock(g, turn.advice));
    if (g.adaptiveFollowUp) {
      item.append(el('p', { class: 'adaptive' }, el('strong', { text: 'The judge would also ask: ' }), g.adaptiveFollowUp));
      if (actions.canAnswerAdaptive(turn)) {
        buttons.append(el('button', { type: 'button', class: 'secondary answer-adaptive', text: 'Answer this follow-up', onclick: () => actions.answerAdaptive(turn) }));
      }
    }
  } else if (turn.status === 'pending' && turn.grading) {
    item.setAttribute('aria-busy', 'true');
    item.append(el('p', { class: 'grading-text', text: 'Your answer is saved and being graded…' }));
  } else {
    const why = turn.status === 'failed' && turn.failure
      ? `it could not be graded: ${REASONS[turn.failure.reason]}${turn.failure.detail ? ` (${turn.failure.detail})` : ''}.`
      : 'it has not been graded yet (grading was interrupted).';
    item.append(el('p', { class: 'failed-text' }, el('strong', { text: 'Your answer is saved' }), `, but ${why}`));
    buttons.append(
      el('button', { type: 'button', class: 'regrade', text: 'Try grading again', onclick: (/** @type {MouseEvent} */ e) => actions.regrade(item, turn, /** @type {HTMLButtonElement} */ (e.currentTarget)) }),
    );
  }
  buttons.append(...referenceToggle(turn, actions, buttons));
  item.append(buttons);
}
