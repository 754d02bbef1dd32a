// The chat client: state and actions. Plain JavaScript modules, no build step. Every piece of text that comes
// from the candidate or the judge reaches the page through textContent or text nodes, never as HTML, so an
// answer such as `<img src=x onerror=alert(1)>` is shown as those characters.
import { api, el, fmtScore } from './dom.js';
import { fillResult, resultItem } from './grade-card.js';
import { answerItem, pendingItem, questionItem, summaryItem } from './transcript.js';

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

function setStatus(text) {
  ui.status.textContent = text;
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

// The server's INVISIBLE_CHARS_SOURCE (src/text/untrusted-input.ts): removed before grading, so not counted.
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

/** Characters as the server counts them: code points (an emoji is one), invisible ones left out. */
function visibleLength(text) {
  let n = 0;
  for (const _ of text.replace(INVISIBLE, '')) n += 1;
  return n;
}

function updateCounter() {
  const n = visibleLength(ui.answer.value);
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
    items.push(answerItem(turn.answer, turn.attempt), resultItem(turn, regrade));
  }
  state.lastTurn = data.turns.length ? data.turns[data.turns.length - 1] : null;
  if (data.session.current) items.push(questionItem(data.session.current, data.session.current.text, { current: true }));
  else items.push(summaryItem(data.summary, showSetup));
  ui.transcript.replaceChildren(...items);
  showInterview();
  renderProgress();
  renderComposer();
  renderRetryButton();
}

// ---------- waiting for a grade ----------

/**
 * While a grade is awaited: the seconds elapsed, shown in `host` (not in the live status region, which would
 * be read out every second), and a "Stop waiting" button. Stopping only stops this page from waiting: the
 * answer is already stored, and the server finishes (or fails) its grade, which a reload or a regrade shows.
 */
function startWaiting(host, onStop) {
  const started = Date.now();
  const elapsed = el('span', { class: 'elapsed', text: ' 0 s' });
  const button = el('button', { type: 'button', class: 'secondary stop-waiting', text: 'Stop waiting' });
  const box = el('p', { class: 'waiting' }, elapsed, ' ', button);
  host.append(box);
  const timer = setInterval(() => {
    elapsed.textContent = ` ${Math.round((Date.now() - started) / 1000)} s`;
  }, 1000);
  const stop = () => {
    clearInterval(timer);
    box.remove();
  };
  button.addEventListener('click', () => {
    stop();
    onStop();
  });
  return { stop };
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
  let abandoned = false;
  const waiting = startWaiting(pending, () => {
    abandoned = true;
    setBusy(false);
    setStatus('Stopped waiting. Your answer is saved; its grade shows on its card when it is ready, or grade it again from there.');
    reloadSession();
  });
  pending.scrollIntoView({ block: 'nearest' });

  try {
    const data = await api('POST', `/api/sessions/${encodeURIComponent(state.session.id)}/answers`, retry ? { answer: text, retry: true } : { answer: text });
    if (abandoned) {
      // The grade came after all: show it, unless the next answer is being graded now (redrawing would drop
      // that answer's pending card; the next reload shows this grade).
      if (!state.busy) await reloadSession();
      return;
    }
    state.session = data.session;
    state.lastTurn = data.turn;
    state.retrying = false;
    pending.replaceWith(resultItem(data.turn, regrade));
    ui.answer.value = '';
    updateCounter();
    if (data.next) ui.transcript.append(questionItem(data.next, data.next.text, { current: true }));
    else if (data.summary) ui.transcript.append(summaryItem(data.summary, showSetup));
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
    if (abandoned) {
      if (!state.busy) await reloadSession();
      return;
    }
    // Nothing was stored (or the server could not be reached): undo the optimistic items, keep the text.
    for (const node of added) node.remove();
    if (current) {
      current.classList.add('current');
      if (!current.isConnected) ui.transcript.append(current);
    }
    setStatus('');
    ui.answerError.textContent = err.message;
    // A 503 with `turnId`: the answer was stored but its grade was not; the reloaded transcript shows it.
    if (err.status === 409 || err.status === 404 || (err.status === 503 && err.body?.turnId)) await reloadSession();
    focusAnswer();
  } finally {
    waiting.stop();
    if (!abandoned) setBusy(false);
  }
}

async function regrade(item, turn, button) {
  button.disabled = true;
  button.textContent = 'Grading…';
  item.setAttribute('aria-busy', 'true');
  setStatus('Grading your answer again…');
  let abandoned = false;
  const waiting = startWaiting(item, () => {
    abandoned = true;
    setStatus('Stopped waiting. Your answer is saved; its grade shows on its card when it is ready.');
    reloadSession();
  });
  try {
    const data = await api('POST', `/api/turns/${encodeURIComponent(turn.id)}/regrade`);
    waiting.stop();
    if (abandoned) {
      await reloadSession();
      return;
    }
    state.session = data.session;
    if (state.lastTurn && state.lastTurn.id === data.turn.id) state.lastTurn = data.turn;
    fillResult(item, data.turn, regrade);
    setStatus(data.turn.status === 'graded' ? `Graded ${fmtScore(data.turn.grade.score)} out of 5.` : 'Grading failed again; the answer is still saved.');
    const old = document.getElementById('summary');
    if (old && data.summary) old.replaceWith(summaryItem(data.summary, showSetup));
    renderRetryButton();
    const heading = item.querySelector('h3, button.regrade');
    if (heading) heading.focus();
  } catch (err) {
    waiting.stop();
    if (abandoned) return;
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
