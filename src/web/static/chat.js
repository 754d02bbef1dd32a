// @ts-check
// The chat client: state and actions. Plain JavaScript modules, no build step, checked against the API's
// schemas with `// @ts-check`. Every piece of text that comes from the candidate or the judge reaches the
// page through textContent or text nodes, never as HTML, so an answer such as `<img src=x onerror=alert(1)>`
// is shown as those characters.
import { composer } from './composer.js';
import { startCountdown, systemClock } from './countdown.js';
import { api, byId, download, el, fmtScore, saveBlob } from './dom.js';
import { fillResult, resultItem } from './grade-card.js';
import { loadFilters, nothingDueText, profileCard, reflectMode, startRequest } from './setup.js';
import { summaryItem } from './summary.js';
import { answerItem, pendingItem, questionItem } from './transcript.js';
import { startWaiting } from './waiting.js';

/**
 * @typedef {import('../client-types.js').SessionView} SessionView
 * @typedef {import('../client-types.js').TurnView} TurnView
 * @typedef {import('../client-types.js').Transcript} Transcript
 * @typedef {import('../client-types.js').AnswerResult} AnswerResult
 * @typedef {import('../client-types.js').StartedSession} StartedSession
 * @typedef {import('../client-types.js').RegradeResult} RegradeResult
 * @typedef {import('../client-types.js').SessionSummary} SessionSummary
 * @typedef {import('../client-types.js').Reference} Reference
 * @typedef {import('../client-types.js').Hint} Hint
 * @typedef {import('./grade-card.js').CardActions} CardActions
 */

const MAX_CHARS = Number(document.body.dataset.maxAnswerChars) || 8000;
const MODE_NAMES = { practice: 'Practice', review: 'Review', mock: 'Mock interview' };

const ui = {
  setup: byId('setup', HTMLElement),
  profile: byId('profile', HTMLElement),
  setupForm: byId('setup-form', HTMLFormElement),
  setupError: byId('setup-error', HTMLElement),
  setupNote: byId('setup-note', HTMLElement),
  start: byId('start', HTMLButtonElement),
  interview: byId('interview', HTMLElement),
  modeBadge: byId('mode-badge', HTMLElement),
  progress: byId('progress', HTMLElement),
  countdown: byId('countdown', HTMLElement),
  exportButton: byId('export', HTMLButtonElement),
  newSession: byId('new-session', HTMLButtonElement),
  confirmNew: byId('confirm-new', HTMLDialogElement),
  transcript: byId('transcript', HTMLOListElement),
  status: byId('status', HTMLElement),
  form: byId('answer-form', HTMLFormElement),
  label: byId('answer-label', HTMLElement),
  answer: byId('answer', HTMLTextAreaElement),
  send: byId('send', HTMLButtonElement),
  cancelRetry: byId('cancel-retry', HTMLButtonElement),
  retryNote: byId('retry-note', HTMLElement),
  answerError: byId('answer-error', HTMLElement),
  hint: byId('hint', HTMLButtonElement),
  hintText: byId('hint-text', HTMLElement),
};

const state = {
  /** @type {SessionView | null} the session view from the last API response */
  session: null,
  /** @type {TurnView | null} the newest answer to a step of the plan, which a retry answers again */
  lastTurn: null,
  /** @type {Set<string>} turns whose adaptive follow-up has been answered */
  adaptiveAnswered: new Set(),
  /** @type {'answer' | 'retry' | 'adaptive'} what the next send is */
  sending: 'answer',
  /** @type {TurnView | null} the turn whose adaptive follow-up is being answered */
  adaptiveOf: null,
  busy: false,
  /** @type {{ stop(): void } | null} */
  countdown: null,
};

const candidateId = profileCard();
const box = composer({ max: MAX_CHARS, onSend: () => void sendAnswer(), onEscape: () => cancelSpecial() });
const setStatus = (/** @type {string} */ text) => {
  ui.status.textContent = text;
};
const sessionPath = (/** @type {string} */ tail = '') => `/api/sessions/${encodeURIComponent(state.session?.id ?? '')}${tail}`;

/** @type {CardActions} */
const cardActions = {
  regrade: (item, turn, button) => void regrade(item, turn, button),
  reveal: async (turn) => {
    try {
      const { reference } = /** @type {import('../client-types.js').Revealed} */ (await api('POST', `/api/turns/${encodeURIComponent(turn.id)}/reveal`));
      return reference;
    } catch (err) {
      setStatus(`Could not show the model answer: ${messageOf(err)}`);
      return null;
    }
  },
  answerAdaptive: (turn) => beginSpecial('adaptive', turn),
  canReveal: () => Boolean(state.session?.revealReference),
  // The server answers the follow-up of the newest graded answer; an answer to a follow-up gets none.
  canAnswerAdaptive: (turn) => state.lastTurn?.id === turn.id && turn.status === 'graded' && !state.adaptiveAnswered.has(turn.id),
};
const summaryActions = { onNewSession: () => requestNewSession(), onExport: () => void exportTranscript() };

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

// ---------- rendering state ----------

function renderHead() {
  const s = state.session;
  if (!s) return;
  ui.modeBadge.textContent = MODE_NAMES[s.mode];
  ui.progress.textContent = s.status === 'finished'
    ? `Finished: ${s.answeredSteps} of ${s.totalSteps} answered`
    : `${s.current ? `Question ${s.current.number} of ${s.current.total} · ` : ''}${s.answeredSteps} of ${s.totalSteps} answered`;
  renderCountdown();
}

/** Mock mode: the time left for the current question, from when the server asked it. */
function renderCountdown() {
  state.countdown?.stop();
  state.countdown = null;
  const s = state.session;
  ui.countdown.hidden = true;
  if (!s || s.mode !== 'mock' || s.status !== 'active' || !s.askedAt || !s.timeLimitSeconds || state.sending === 'adaptive') return;
  state.countdown = startCountdown(ui.countdown, { askedAt: s.askedAt, limitSeconds: s.timeLimitSeconds, clock: systemClock, onExpire: timeUp });
}

/**
 * Time is up on a mock question: what is written is sent as it is (the server marks it as after the
 * limit); with nothing written the candidate may still answer, and that answer is marked the same way.
 */
function timeUp() {
  if (state.busy) return;
  if (ui.answer.value.trim()) {
    setStatus('Time is up: your answer was sent as it was.');
    void sendAnswer();
  } else {
    setStatus('Time is up. You can still answer; the answer is marked as after the time limit.');
  }
}

function renderComposer() {
  const s = state.session;
  const special = state.sending !== 'answer';
  ui.form.hidden = !s || (s.status !== 'active' && !special);
  ui.retryNote.hidden = !special;
  ui.cancelRetry.hidden = !special;
  const hintable = s && s.status === 'active' && s.mode !== 'mock' && state.sending === 'answer';
  ui.hint.hidden = !hintable || !ui.hintText.hidden;
  if (!hintable) ui.hintText.hidden = true;
  if (state.sending === 'retry' && state.lastTurn) {
    ui.retryNote.textContent = `Retrying: “${state.lastTurn.question}”. Your new answer gets its own grade and replaces the earlier one in the summary; then you continue where you were.`;
    ui.label.textContent = 'Your new answer';
    ui.send.textContent = 'Send new answer';
    ui.cancelRetry.textContent = 'Cancel retry';
  } else if (state.sending === 'adaptive' && state.adaptiveOf) {
    ui.retryNote.textContent = `Answering the judge's follow-up: “${state.adaptiveOf.grade?.adaptiveFollowUp ?? ''}”. It is graded on its own; then you continue where you were.`;
    ui.label.textContent = 'Your answer to the follow-up';
    ui.send.textContent = 'Send answer';
    ui.cancelRetry.textContent = 'Cancel';
  } else {
    ui.label.textContent = 'Your answer';
    ui.send.textContent = 'Send answer';
  }
}

/** Put a "Retry this question" button on the newest result only, while the session accepts retries. */
function renderRetryButton() {
  for (const b of ui.transcript.querySelectorAll('button.retry')) b.remove();
  // Only the newest answer's own follow-up can be answered, once.
  for (const b of ui.transcript.querySelectorAll('button.answer-adaptive')) {
    const id = b.closest('li.result')?.getAttribute('data-turn-id') ?? '';
    if (id !== state.lastTurn?.id || state.adaptiveAnswered.has(id)) b.remove();
  }
  if (!state.session?.canRetry || !state.lastTurn) return;
  const card = ui.transcript.querySelector(`li.result[data-turn-id="${CSS.escape(state.lastTurn.id)}"]`);
  const actions = card?.querySelector('.actions');
  if (!actions) return;
  const button = el('button', { type: 'button', class: 'retry secondary', text: 'Retry this question', onclick: () => beginSpecial('retry', state.lastTurn) });
  actions.insertBefore(button, actions.querySelector('.reference'));
}

function renderAll() {
  renderHead();
  renderComposer();
  renderRetryButton();
  ui.exportButton.hidden = !state.session;
}

function setBusy(/** @type {boolean} */ busy) {
  state.busy = busy;
  ui.send.disabled = busy;
  ui.form.setAttribute('aria-busy', String(busy));
}

const focusAnswer = () => ui.answer.focus({ preventScroll: true });

function resetHint() {
  ui.hintText.hidden = true;
  ui.hintText.textContent = '';
}

function showSetup() {
  state.countdown?.stop();
  state.session = null;
  state.lastTurn = null;
  state.sending = 'answer';
  ui.interview.hidden = true;
  ui.setup.hidden = false;
  ui.profile.hidden = false;
  ui.transcript.replaceChildren();
  resetHint();
  setStatus('');
  ui.start.focus();
}

function showInterview() {
  ui.setup.hidden = true;
  ui.profile.hidden = true;
  ui.interview.hidden = false;
}

/** Rebuild the whole transcript from `GET /api/sessions/:id` (page opened, reloaded, or Back/Forward). */
function renderSession(/** @type {Transcript} */ data) {
  state.session = data.session;
  state.sending = 'answer';
  state.adaptiveOf = null;
  resetHint();
  const items = [];
  for (const turn of data.turns) {
    items.push(questionItem(turn.asked, turn.question, { retry: turn.attempt > 1, adaptive: turn.adaptiveOf !== null }));
    items.push(answerItem(turn.answer, turn.attempt, turn), resultItem(turn, cardActions));
  }
  state.lastTurn = data.turns.filter((t) => t.adaptiveOf === null).at(-1) ?? null;
  state.adaptiveAnswered = new Set(data.turns.flatMap((t) => (t.adaptiveOf ? [t.adaptiveOf] : [])));
  if (data.session.current) items.push(questionItem(data.session.current, data.session.current.text, { current: true }));
  else items.push(summaryItem(data.summary, summaryActions));
  ui.transcript.replaceChildren(...items);
  showInterview();
  renderAll();
}

// ---------- actions ----------

/** @param {SubmitEvent} event */
async function startSession(event) {
  event.preventDefault();
  ui.setupError.textContent = '';
  ui.setupNote.textContent = '';
  ui.start.disabled = true;
  try {
    const data = /** @type {StartedSession} */ (await api('POST', '/api/sessions', startRequest(ui.setupForm, candidateId())));
    state.session = data.session;
    state.lastTurn = null;
    state.adaptiveAnswered = new Set();
    state.sending = 'answer';
    resetHint();
    history.pushState({ session: data.session.id }, '', `?session=${encodeURIComponent(data.session.id)}`);
    ui.transcript.replaceChildren(questionItem(data.question, data.question.text, { current: true }));
    box.clear();
    showInterview();
    renderAll();
    focusAnswer();
  } catch (err) {
    const body = /** @type {{ error?: { code?: string }, details?: { nextDueAt?: string | null } } | null} */ (err && typeof err === 'object' && 'body' in err ? err.body : null);
    // "Nothing due" is an answer, not a failure: say it plainly, with the date the server gave.
    if (body?.error?.code === 'nothing_due') ui.setupNote.textContent = nothingDueText(body.details?.nextDueAt ?? null);
    else ui.setupError.textContent = messageOf(err);
  } finally {
    ui.start.disabled = false;
  }
}

/** The body of the next answer request. @param {string} text */
function answerBody(text) {
  if (state.sending === 'retry') return { answer: text, retry: true };
  if (state.sending === 'adaptive') return { answer: text, adaptive: true };
  return { answer: text };
}

async function sendAnswer(/** @type {Event} */ event = new Event('submit')) {
  event.preventDefault();
  if (state.busy || !state.session) return;
  ui.answerError.textContent = '';
  const text = ui.answer.value;
  if (!text.trim()) {
    ui.answerError.textContent = 'Write an answer first.';
    focusAnswer();
    return;
  }
  const sending = state.sending;
  /** @type {HTMLElement[]} */
  const added = [];
  const current = ui.transcript.querySelector('li.question.current');
  if (sending === 'retry' && state.lastTurn) {
    // The question being retried goes back into the transcript; the pending next question follows the result.
    current?.remove();
    added.push(questionItem(state.lastTurn.asked, state.lastTurn.question, { retry: true }));
  } else if (sending === 'adaptive' && state.adaptiveOf) {
    current?.remove();
    added.push(questionItem(state.adaptiveOf.asked, state.adaptiveOf.grade?.adaptiveFollowUp ?? '', { adaptive: true }));
  } else {
    current?.classList.remove('current');
  }
  added.push(answerItem(text, sending === 'retry' && state.lastTurn ? state.lastTurn.attempt + 1 : 1));
  const pending = pendingItem();
  added.push(pending);
  ui.transcript.append(...added);
  state.countdown?.stop();
  setBusy(true);
  setStatus('Grading your answer…');
  let abandoned = false;
  const waiting = startWaiting(pending, () => {
    abandoned = true;
    setBusy(false);
    setStatus('Stopped waiting. Your answer is saved; its grade shows on its card when it is ready, or grade it again from there.');
    void reloadSession();
  });
  pending.scrollIntoView({ block: 'nearest' });

  try {
    const data = /** @type {AnswerResult} */ (await api('POST', sessionPath('/answers'), answerBody(text)));
    if (abandoned) {
      // The grade came after all: show it, unless the next answer is being graded now (redrawing would drop
      // that answer's pending card; the next reload shows this grade).
      if (!state.busy) await reloadSession();
      return;
    }
    const revealedNow = !state.session?.revealReference && data.session.revealReference;
    state.session = data.session;
    if (revealedNow) {
      // A mock interview just ended: every card now shows its model answer and the retry; redraw them all.
      await reloadSession();
      setStatus('The mock interview is finished: model answers and the retry are open now; the summary is below.');
      document.getElementById('summary')?.scrollIntoView({ block: 'start' });
      return;
    }
    if (data.turn.adaptiveOf) state.adaptiveAnswered.add(data.turn.adaptiveOf);
    else state.lastTurn = data.turn;
    state.sending = 'answer';
    state.adaptiveOf = null;
    resetHint();
    // The answer bubble gets the server's time spent and marks.
    added.at(-2)?.replaceWith(answerItem(data.turn.answer, data.turn.attempt, data.turn));
    const card = resultItem(data.turn, cardActions);
    pending.replaceWith(card);
    box.clear();
    // A retry or follow-up after the last question: the summary moves below it, updated.
    document.getElementById('summary')?.remove();
    if (data.next) ui.transcript.append(questionItem(data.next, data.next.text, { current: true }));
    else if (data.summary) ui.transcript.append(summaryItem(data.summary, summaryActions));
    const t = data.turn;
    const verdict = t.status === 'graded' && t.grade ? `Graded ${fmtScore(t.grade.score)} out of 5.` : 'Your answer is saved but could not be graded.';
    setStatus(data.next ? `${verdict} Next question below.` : `${verdict} The session is finished; the summary is below.`);
    renderAll();
    // The grade is what the candidate wants to read first, on a phone too: bring its top into view; focus
    // goes to the answer box (without scrolling) so the next answer can be typed straight away.
    if (data.next) focusAnswer();
    else document.querySelector('#summary h3') instanceof HTMLElement && /** @type {HTMLElement} */ (document.querySelector('#summary h3')).focus({ preventScroll: true });
    card.scrollIntoView({ block: 'start' });
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
    ui.answerError.textContent = messageOf(err);
    const status = err && typeof err === 'object' && 'status' in err ? err.status : 0;
    const body = /** @type {any} */ (err && typeof err === 'object' && 'body' in err ? err.body : null);
    // A 503 with `turnId`: the answer was stored but its grade was not; the reloaded transcript shows it.
    if (status === 409 || status === 404 || (status === 503 && body?.turnId)) await reloadSession();
    else renderCountdown();
    focusAnswer();
  } finally {
    waiting.stop();
    if (!abandoned) setBusy(false);
  }
}

/** @param {HTMLElement} item @param {TurnView} turn @param {HTMLButtonElement} button */
async function regrade(item, turn, button) {
  button.disabled = true;
  button.textContent = 'Grading…';
  item.setAttribute('aria-busy', 'true');
  setStatus('Grading your answer again…');
  let abandoned = false;
  const waiting = startWaiting(item, () => {
    abandoned = true;
    setStatus('Stopped waiting. Your answer is saved; its grade shows on its card when it is ready.');
    void reloadSession();
  });
  try {
    const data = /** @type {RegradeResult} */ (await api('POST', `/api/turns/${encodeURIComponent(turn.id)}/regrade`));
    waiting.stop();
    if (abandoned) {
      await reloadSession();
      return;
    }
    state.session = data.session;
    if (state.lastTurn && state.lastTurn.id === data.turn.id) state.lastTurn = data.turn;
    fillResult(item, data.turn, cardActions);
    setStatus(data.turn.status === 'graded' && data.turn.grade ? `Graded ${fmtScore(data.turn.grade.score)} out of 5.` : 'Grading failed again; the answer is still saved.');
    const old = document.getElementById('summary');
    if (old && data.summary) old.replaceWith(summaryItem(data.summary, summaryActions));
    renderAll();
    const heading = item.querySelector('h3, button.regrade');
    if (heading instanceof HTMLElement) heading.focus();
  } catch (err) {
    waiting.stop();
    if (abandoned) return;
    item.removeAttribute('aria-busy');
    button.disabled = false;
    button.textContent = 'Try grading again';
    setStatus(`Could not grade again: ${messageOf(err)}`);
  }
}

/** A hint for the current question: one key point's topic, without its answer (the summary counts it). */
async function showHint() {
  if (!state.session) return;
  ui.hint.disabled = true;
  try {
    const { hint } = /** @type {Hint} */ (await api('POST', sessionPath('/hint')));
    ui.hintText.textContent = `Hint: say something about ${hint.topic}.`;
    ui.hintText.hidden = false;
    ui.hint.hidden = true;
    focusAnswer();
  } catch (err) {
    setStatus(`No hint: ${messageOf(err)}`);
  } finally {
    ui.hint.disabled = false;
  }
}

/** Answer the newest question again, or the judge's own follow-up. @param {'retry' | 'adaptive'} kind @param {TurnView | null} turn */
function beginSpecial(kind, turn) {
  if (!turn || state.busy) return;
  state.sending = kind;
  state.adaptiveOf = kind === 'adaptive' ? turn : null;
  box.clear();
  renderComposer();
  renderCountdown();
  ui.form.scrollIntoView({ block: 'nearest' });
  focusAnswer();
}

function cancelSpecial() {
  if (state.sending === 'answer') return;
  state.sending = 'answer';
  state.adaptiveOf = null;
  renderComposer();
  renderCountdown();
  focusAnswer();
}

async function exportTranscript() {
  if (!state.session) return;
  try {
    const { blob, filename } = await download(sessionPath('/export'));
    saveBlob(blob, filename ?? `session-${state.session.id}.md`);
    setStatus('Transcript downloaded.');
  } catch (err) {
    setStatus(`Could not download the transcript: ${messageOf(err)}`);
  }
}

/** "New session": asks first when a session is under way; the setup gets its own history entry. */
function requestNewSession() {
  const s = state.session;
  const inProgress = s && s.status === 'active' && (s.answeredSteps > 0 || ui.answer.value.trim() !== '');
  if (!inProgress) return goToSetup();
  ui.confirmNew.returnValue = '';
  ui.confirmNew.showModal();
}

function goToSetup() {
  history.pushState({}, '', location.pathname);
  showSetup();
}

async function reloadSession() {
  if (!state.session) return;
  try {
    renderSession(/** @type {Transcript} */ (await api('GET', sessionPath())));
  } catch {
    // Keep what is on screen; the error message already says what went wrong.
  }
}

/** Show what the address names: a session (opened, reloaded, Back/Forward) or the setup. */
async function showFromUrl() {
  const id = new URL(location.href).searchParams.get('session');
  if (!id) {
    if (state.session) showSetup();
    return;
  }
  try {
    renderSession(/** @type {Transcript} */ (await api('GET', `/api/sessions/${encodeURIComponent(id)}`)));
    setStatus('Session restored.');
    // Back where the candidate was: the question to answer in view and the answer box focused.
    const current = ui.transcript.querySelector('li.question.current');
    if (current) {
      current.scrollIntoView({ block: 'start' });
      focusAnswer();
    } else {
      document.getElementById('summary')?.scrollIntoView({ block: 'start' });
    }
  } catch (err) {
    history.replaceState({}, '', location.pathname);
    showSetup();
    const status = err && typeof err === 'object' && 'status' in err ? err.status : 0;
    ui.setupError.textContent = status === 404 ? 'That session does not exist any more; start a new one.' : messageOf(err);
  }
}

// ---------- wiring ----------

ui.setupForm.addEventListener('submit', (e) => void startSession(e));
ui.setupForm.addEventListener('change', () => reflectMode(ui.setupForm));
ui.form.addEventListener('submit', (e) => void sendAnswer(e));
ui.cancelRetry.addEventListener('click', cancelSpecial);
ui.hint.addEventListener('click', () => void showHint());
ui.newSession.addEventListener('click', requestNewSession);
ui.exportButton.addEventListener('click', () => void exportTranscript());
ui.confirmNew.addEventListener('close', () => {
  if (ui.confirmNew.returnValue === 'leave') goToSetup();
  else focusAnswer();
});
window.addEventListener('popstate', () => void showFromUrl());
reflectMode(ui.setupForm);
void loadFilters();
void showFromUrl();
