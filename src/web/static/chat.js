// The chat client. Plain JavaScript, no build step. Every piece of text that comes from the candidate or the
// judge reaches the page through textContent or text nodes, never innerHTML, so an answer such as
// `<img src=x onerror=alert(1)>` is shown as those characters.

const MAX_CHARS = Number(document.body.dataset.maxAnswerChars) || 8000;
const $ = (id) => document.getElementById(id);

const ui = {
  setup: $('setup'),
  setupForm: $('setup-form'),
  setupError: $('setup-error'),
  start: $('start'),
  interview: $('interview'),
  progress: $('progress'),
  newSession: $('new-session'),
  transcript: $('transcript'),
  status: $('status'),
  form: $('answer-form'),
  label: $('answer-label'),
  answer: $('answer'),
  count: $('answer-count'),
  send: $('send'),
  cancelRetry: $('cancel-retry'),
  retryNote: $('retry-note'),
  answerError: $('answer-error'),
};

const state = {
  /** The session view from the last API response. */
  session: null,
  /** The newest turn, which a retry answers again. */
  lastTurn: null,
  retrying: false,
  busy: false,
};

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** Build an element. `text` sets textContent; other attributes are set as strings; children may be strings. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child); // strings become text nodes
  }
  return node;
}

class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Could not reach the coach server. Check that it is running, then try again.', 0, null);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error;
    const detail = err && Array.isArray(err.issues) && err.issues.length
      ? err.issues.map((i) => `${i.field}: ${i.reason}`).join('; ')
      : err && err.message;
    throw new ApiError(detail || `The server answered ${res.status}.`, res.status, data);
  }
  return data;
}

// ---------- text helpers ----------

const fmtScore = (n) => (Number.isInteger(n) ? `${n}.0` : String(n));
const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const REASONS = {
  refusal: 'the judge refused to grade it',
  truncated: "the judge's reply was cut off",
  'invalid-output': 'the judge replied with something that is not a valid grade',
  'provider-unavailable': 'the judge could not be reached',
  timeout: 'the judge took too long',
  'judge-error': 'the judge failed',
};

function judgeName(judge) {
  if (!judge) return 'unknown judge';
  return judge.kind === 'embedded' ? 'Embedded judge (offline, no LLM)' : `LLM judge: ${judge.model}`;
}

function setStatus(text) {
  ui.status.textContent = text;
}

// ---------- transcript pieces ----------

function questionItem(asked, text, { current = false, retry = false } = {}) {
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

function answerItem(text, attempt) {
  return el(
    'li',
    { class: 'msg answer' },
    el('p', { class: 'meta', text: attempt > 1 ? `Your answer (attempt ${attempt})` : 'Your answer' }),
    el('p', { class: 'answer-text', text }),
  );
}

function pendingItem() {
  return el(
    'li',
    { class: 'msg result grading', 'aria-busy': 'true' },
    el('p', { class: 'grading-text' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Grading your answer…'),
  );
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

function judgeBlock(grade) {
  const block = el('div', { class: 'judge-line' });
  block.append(el('p', { text: `Graded by ${judgeName(grade.judge)}` }));
  const c = grade.consistency;
  if (grade.judge.kind === 'llm' && c) {
    const orders = el('dl', { class: 'orders' });
    const show = (v) => (v === null || v === undefined ? 'no score' : fmtScore(v));
    orders.append(el('dt', { text: 'Reference first' }), el('dd', { text: show(c.referenceFirst) }));
    orders.append(el('dt', { text: 'Reference last' }), el('dd', { text: show(c.referenceLast) }));
    if (c.spread !== null && c.spread !== undefined) orders.append(el('dt', { text: 'Spread' }), el('dd', { text: String(c.spread) }));
    block.append(orders);
    if (c.inconsistent) {
      const how = c.resolution === 'tie-break' ? 'a third, tie-break run decided' : c.resolution === 'low-confidence' ? 'the score is low-confidence' : 'the mean is shown';
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
function resultItem(turn) {
  const item = el('li', { class: 'msg result', 'data-turn-id': turn.id });
  fillResult(item, turn);
  return item;
}

function fillResult(item, turn) {
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
      el('button', { type: 'button', class: 'regrade', text: 'Try grading again', onclick: (e) => regrade(item, turn, e.currentTarget) }),
    );
  }
  actions.append(...referenceToggle(turn));
  item.append(actions);
}

function summaryItem(summary) {
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
  item.append(el('div', { class: 'actions' }, el('button', { type: 'button', text: 'Start a new session', onclick: showSetup })));
  return item;
}

// ---------- rendering state ----------

function renderProgress() {
  const s = state.session;
  if (!s) return;
  ui.progress.textContent = s.status === 'finished'
    ? `Finished: ${s.answeredSteps} of ${s.totalSteps} questions answered`
    : `${s.answeredSteps} of ${s.totalSteps} questions answered (main questions and follow-ups)`;
}

function renderComposer() {
  const active = state.session && state.session.status === 'active';
  ui.form.hidden = !active;
  ui.retryNote.hidden = !state.retrying;
  ui.cancelRetry.hidden = !state.retrying;
  if (state.retrying && state.lastTurn) {
    ui.retryNote.textContent = `Retrying: “${state.lastTurn.question}”. Your new answer gets its own grade and replaces the earlier one in the summary; then you continue where you were.`;
    ui.label.textContent = 'Your new answer';
    ui.send.textContent = 'Send new answer';
  } else {
    ui.label.textContent = 'Your answer';
    ui.send.textContent = 'Send answer';
  }
}

/** Put a "Retry this question" button on the newest result only, while the session accepts retries. */
function renderRetryButton() {
  for (const b of ui.transcript.querySelectorAll('button.retry')) b.remove();
  if (!state.session || !state.session.canRetry || !state.lastTurn) return;
  const card = ui.transcript.querySelector(`li.result[data-turn-id="${CSS.escape(state.lastTurn.id)}"]`);
  const actions = card && card.querySelector('.actions');
  if (!actions) return;
  const button = el('button', { type: 'button', class: 'retry secondary', text: 'Retry this question', onclick: beginRetry });
  // Beside the other buttons, before the (full-width) model answer panel.
  actions.insertBefore(button, actions.querySelector('.reference'));
}

function updateCounter() {
  const n = ui.answer.value.length;
  ui.count.textContent = `${n.toLocaleString('en')} / ${MAX_CHARS.toLocaleString('en')}${n >= MAX_CHARS ? ' (limit reached)' : ''}`;
  ui.count.classList.toggle('near', n >= MAX_CHARS * 0.9);
}

function setBusy(busy) {
  state.busy = busy;
  ui.send.disabled = busy;
  ui.form.setAttribute('aria-busy', String(busy));
}

function focusAnswer() {
  ui.answer.focus();
}

function showSetup() {
  state.session = null;
  state.lastTurn = null;
  state.retrying = false;
  history.replaceState(null, '', location.pathname);
  ui.interview.hidden = true;
  ui.setup.hidden = false;
  ui.transcript.replaceChildren();
  setStatus('');
  ui.start.focus();
}

function showInterview() {
  ui.setup.hidden = true;
  ui.interview.hidden = false;
}

function rememberSession(id) {
  const url = new URL(location.href);
  url.searchParams.set('session', id);
  history.replaceState(null, '', url);
}

/** Rebuild the whole transcript from `GET /api/sessions/:id` (used when the page is opened or reloaded). */
function renderSession(data) {
  state.session = data.session;
  state.retrying = false;
  const items = [];
  for (const turn of data.turns) {
    items.push(questionItem(turn.asked, turn.question, { retry: turn.attempt > 1 }));
    items.push(answerItem(turn.answer, turn.attempt), resultItem(turn));
  }
  state.lastTurn = data.turns.length ? data.turns[data.turns.length - 1] : null;
  if (data.session.current) items.push(questionItem(data.session.current, data.session.current.text, { current: true }));
  else items.push(summaryItem(data.summary));
  ui.transcript.replaceChildren(...items);
  showInterview();
  renderProgress();
  renderComposer();
  renderRetryButton();
}

// ---------- actions ----------

async function startSession(event) {
  event.preventDefault();
  ui.setupError.textContent = '';
  const form = new FormData(ui.setupForm);
  const body = {};
  for (const key of ['topic', 'difficulty', 'type']) {
    const v = String(form.get(key) || '');
    if (v) body[key] = v;
  }
  const count = Number(form.get('count'));
  if (Number.isInteger(count) && count > 0) body.count = count;
  ui.start.disabled = true;
  try {
    const data = await api('POST', '/api/sessions', body);
    state.session = data.session;
    state.lastTurn = null;
    state.retrying = false;
    rememberSession(data.session.id);
    ui.transcript.replaceChildren(questionItem(data.question, data.question.text, { current: true }));
    ui.answer.value = '';
    updateCounter();
    showInterview();
    renderProgress();
    renderComposer();
    focusAnswer();
  } catch (err) {
    ui.setupError.textContent = err.message;
  } finally {
    ui.start.disabled = false;
  }
}

async function sendAnswer(event) {
  if (event) event.preventDefault();
  if (state.busy || !state.session) return;
  ui.answerError.textContent = '';
  const text = ui.answer.value;
  if (!text.trim()) {
    ui.answerError.textContent = 'Write an answer first.';
    focusAnswer();
    return;
  }
  const retry = state.retrying;
  const added = [];
  const current = ui.transcript.querySelector('li.question.current');
  if (retry && state.lastTurn) {
    // The question being retried goes back into the transcript; the pending next question follows the result.
    if (current) current.remove();
    added.push(questionItem(state.lastTurn.asked, state.lastTurn.question, { retry: true }));
  } else if (current) {
    current.classList.remove('current');
  }
  added.push(answerItem(text, retry && state.lastTurn ? state.lastTurn.attempt + 1 : 1));
  const pending = pendingItem();
  added.push(pending);
  ui.transcript.append(...added);
  setBusy(true);
  setStatus('Grading your answer…');
  pending.scrollIntoView({ block: 'nearest' });

  try {
    const data = await api('POST', `/api/sessions/${encodeURIComponent(state.session.id)}/answers`, retry ? { answer: text, retry: true } : { answer: text });
    state.session = data.session;
    state.lastTurn = data.turn;
    state.retrying = false;
    pending.replaceWith(resultItem(data.turn));
    ui.answer.value = '';
    updateCounter();
    if (data.next) ui.transcript.append(questionItem(data.next, data.next.text, { current: true }));
    else if (data.summary) ui.transcript.append(summaryItem(data.summary));
    const t = data.turn;
    const verdict = t.status === 'graded' ? `Graded ${fmtScore(t.grade.score)} out of 5.` : 'Your answer is saved but could not be graded.';
    setStatus(data.next ? `${verdict} Next question below.` : `${verdict} The session is finished; the summary is below.`);
    renderProgress();
    renderComposer();
    renderRetryButton();
    if (data.next) focusAnswer();
    else {
      const heading = document.querySelector('#summary h3');
      if (heading) heading.focus();
    }
  } catch (err) {
    // Nothing was stored (or the server could not be reached): undo the optimistic items, keep the text.
    for (const node of added) node.remove();
    if (current) {
      current.classList.add('current');
      if (!current.isConnected) ui.transcript.append(current);
    }
    setStatus('');
    ui.answerError.textContent = err.message;
    if (err.status === 409 || err.status === 404) await reloadSession();
    focusAnswer();
  } finally {
    setBusy(false);
  }
}

async function regrade(item, turn, button) {
  button.disabled = true;
  button.textContent = 'Grading…';
  item.setAttribute('aria-busy', 'true');
  setStatus('Grading your answer again…');
  try {
    const data = await api('POST', `/api/turns/${encodeURIComponent(turn.id)}/regrade`);
    state.session = data.session;
    if (state.lastTurn && state.lastTurn.id === data.turn.id) state.lastTurn = data.turn;
    fillResult(item, data.turn);
    setStatus(data.turn.status === 'graded' ? `Graded ${fmtScore(data.turn.grade.score)} out of 5.` : 'Grading failed again; the answer is still saved.');
    const old = document.getElementById('summary');
    if (old && data.summary) old.replaceWith(summaryItem(data.summary));
    renderRetryButton();
    const heading = item.querySelector('h3, button.regrade');
    if (heading) heading.focus();
  } catch (err) {
    item.removeAttribute('aria-busy');
    button.disabled = false;
    button.textContent = 'Try grading again';
    setStatus(`Could not grade again: ${err.message}`);
  }
}

function beginRetry() {
  if (!state.lastTurn || state.busy) return;
  state.retrying = true;
  ui.answer.value = '';
  updateCounter();
  renderComposer();
  focusAnswer();
}

function cancelRetry() {
  state.retrying = false;
  renderComposer();
  focusAnswer();
}

async function reloadSession() {
  if (!state.session) return;
  try {
    renderSession(await api('GET', `/api/sessions/${encodeURIComponent(state.session.id)}`));
  } catch {
    // Keep what is on screen; the error message already says what went wrong.
  }
}

async function resumeFromUrl() {
  const id = new URL(location.href).searchParams.get('session');
  if (!id) return;
  try {
    renderSession(await api('GET', `/api/sessions/${encodeURIComponent(id)}`));
    setStatus('Session restored.');
  } catch (err) {
    history.replaceState(null, '', location.pathname);
    ui.setupError.textContent = err.status === 404 ? 'That session does not exist any more; start a new one.' : err.message;
  }
}

// ---------- wiring ----------

ui.setupForm.addEventListener('submit', startSession);
ui.form.addEventListener('submit', sendAnswer);
ui.answer.addEventListener('input', updateCounter);
ui.answer.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    sendAnswer();
  } else if (e.key === 'Escape' && state.retrying) {
    cancelRetry();
  }
});
ui.cancelRetry.addEventListener('click', cancelRetry);
ui.newSession.addEventListener('click', showSetup);
updateCounter();
resumeFromUrl();
