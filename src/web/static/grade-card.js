// The card under an answer: the grade with its evidence, or why there is none yet.
import { el, fmtScore, nextId } from './dom.js';

const REASONS = {
  refusal: 'the judge refused to grade it',
  truncated: "the judge's reply was cut off",
  'invalid-output': 'the judge replied with something that is not a valid grade',
  'provider-unavailable': 'the judge could not be reached',
  timeout: 'the judge took too long',
  'judge-error': 'the judge failed',
  'reply-too-large': "the judge's reply was too large to read",
  overloaded: 'the coach is busy right now; try grading it again in a few seconds',
};

export function judgeName(judge) {
  if (!judge) return 'unknown judge';
  return judge.kind === 'embedded' ? 'Embedded judge (offline, no LLM)' : `LLM judge: ${judge.model}`;
}

function list(items, cls) {
  return el('ul', { class: cls }, items.map((t) => el('li', { text: t })));
}

const VERDICT_TEXT = { covered: 'Covered', partial: 'Partly covered', missing: 'Missing' };
const VERDICT_MARK = { covered: '✓', partial: '◐', missing: '✗' };

function keyPointsBlock(keyPoints) {
  return el(
    'ul',
    { class: 'keypoints' },
    keyPoints.map((kp) =>
      el(
        'li',
        { class: `kp kp-${kp.verdict}` },
        el(
          'p',
          { class: 'kp-head' },
          el('span', { class: 'verdict', 'aria-hidden': 'true', text: VERDICT_MARK[kp.verdict] || '' }),
          el('span', { class: 'verdict-label', text: `${VERDICT_TEXT[kp.verdict] || kp.verdict}:` }),
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
 * Strengths and gaps. Lines that only restate a key point shown just above (the embedded judge writes
 * "Missing: <statement>") are folded into a count, so the card does not say everything twice.
 */
function feedbackBlock(g) {
  const restates = (t) => g.keyPoints.some((k) => t === k.statement || t.endsWith(`: ${k.statement}`));
  const by = (v) => g.keyPoints.filter((k) => k.verdict === v).length;
  const total = g.keyPoints.length;
  const strengths = g.strengths.filter((t) => !restates(t));
  const gaps = g.gaps.filter((t) => !restates(t));
  if (total) {
    const covered = by('covered');
    strengths.unshift(covered ? `Covered ${covered} of ${total} key points (marked ✓ above).` : 'No key point fully covered yet.');
    const missing = by('missing');
    const partial = by('partial');
    if (missing || partial) {
      const parts = [missing ? `${missing} missing (✗)` : '', partial ? `${partial} only partly covered (◐)` : ''].filter(Boolean);
      gaps.unshift(`Key points: ${parts.join(', ')}; see above.`);
    }
  }
  const out = [];
  if (strengths.length) out.push(el('h4', { text: 'Strengths' }), list(strengths, 'strengths'));
  if (gaps.length) out.push(el('h4', { text: 'Gaps' }), list(gaps, 'gaps'));
  return out;
}

// Shown on every grade whose judge cannot tell a true statement from a false one in the same words.
export const CORRECTNESS_CAVEAT =
  'This offline judge checks which key points your answer covers, not whether each statement in it is correct. ' +
  'To have answers graded for meaning, start the coach with an LLM judge (set OPENAI_API_KEY or OPENAI_BASE_URL).';

function judgeBlock(grade) {
  const block = el('div', { class: 'judge-line' });
  block.append(el('p', { text: `Graded by ${judgeName(grade.judge)}` }));
  if (grade.judge.verifiesCorrectness === false) block.append(el('p', { class: 'caveat', text: CORRECTNESS_CAVEAT }));
  const c = grade.consistency;
  if (grade.judge.kind === 'llm' && c) {
    const orders = el('dl', { class: 'orders' });
    const show = (v) => (v === null || v === undefined ? 'no score' : fmtScore(v));
    orders.append(el('dt', { text: 'Reference first' }), el('dd', { text: show(c.referenceFirst) }));
    orders.append(el('dt', { text: 'Reference last' }), el('dd', { text: show(c.referenceLast) }));
    if (c.spread !== null && c.spread !== undefined) orders.append(el('dt', { text: 'Spread' }), el('dd', { text: String(c.spread) }));
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

function referenceToggle(turn) {
  if (!turn.reference) return [];
  const id = nextId('reference');
  const panel = el(
    'div',
    { class: 'reference', id, hidden: true },
    el('h4', { text: 'Model answer' }),
    el('p', { text: turn.reference.answer }),
    turn.reference.explanation ? [el('h4', { text: 'Explanation' }), el('p', { text: turn.reference.explanation })] : null,
  );
  const button = el('button', {
    type: 'button',
    class: 'secondary',
    'aria-expanded': 'false',
    'aria-controls': id,
    text: 'Show model answer',
    onclick: () => {
      const open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      button.textContent = open ? 'Hide model answer' : 'Show model answer';
    },
  });
  return [button, panel];
}

/** The card under an answer: the grade, or why there is none yet with a way to grade again. */
export function resultItem(turn, onRegrade) {
  const item = el('li', { class: 'msg result', 'data-turn-id': turn.id });
  fillResult(item, turn, onRegrade);
  return item;
}

/** (Re)draw a result card in place; `onRegrade(item, turn, button)` runs when "Try grading again" is pressed. */
export function fillResult(item, turn, onRegrade) {
  item.replaceChildren();
  item.className = `msg result result-${turn.status}`;
  item.removeAttribute('aria-busy');
  const actions = el('div', { class: 'actions' });

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
    if (g.flags && g.flags.length) item.append(el('p', { class: 'warn', text: `Flags: ${g.flags.join(', ')}` }));
    if (g.keyPoints.length) item.append(el('h4', { text: 'Key points' }), keyPointsBlock(g.keyPoints));
    item.append(...feedbackBlock(g));
    if (g.adaptiveFollowUp) item.append(el('p', { class: 'adaptive' }, el('strong', { text: 'The judge would also ask: ' }), g.adaptiveFollowUp));
  } else if (turn.status === 'pending' && turn.grading) {
    item.setAttribute('aria-busy', 'true');
    item.append(el('p', { class: 'grading-text', text: 'Your answer is saved and being graded…' }));
  } else {
    const why = turn.status === 'failed' && turn.failure
      ? `it could not be graded: ${REASONS[turn.failure.reason] || turn.failure.reason}${turn.failure.detail ? ` (${turn.failure.detail})` : ''}.`
      : 'it has not been graded yet (grading was interrupted).';
    item.append(el('p', { class: 'failed-text' }, el('strong', { text: 'Your answer is saved' }), `, but ${why}`));
    actions.append(
      el('button', { type: 'button', class: 'regrade', text: 'Try grading again', onclick: (e) => onRegrade(item, turn, e.currentTarget) }),
    );
  }
  actions.append(...referenceToggle(turn));
  item.append(actions);
}
