// @ts-check
// The setup card: filters from the bank's facets, the mode, and the practice profile (show, copy,
// download, import).
import { api, byId, el, saveBlob } from './dom.js';
import { exportText, loadOrCreateId, parseImport, storeId } from './profile.js';

/**
 * @typedef {import('../client-types.js').Facets} Facets
 * @typedef {import('../client-types.js').Mode} Mode
 */

const LABELS = /** @type {Record<string, string>} */ ({ easy: 'Easy', medium: 'Medium', hard: 'Hard', conceptual: 'Conceptual', scenario: 'Scenario' });
const label = (/** @type {string} */ v) => LABELS[v] ?? v.charAt(0).toUpperCase() + v.slice(1);

/**
 * Put the bank's values into the filter selects, after their "Any ..." option: a value no question has is
 * never offered.
 * @param {Facets} facets
 */
export function fillFilters(facets) {
  /** @param {string} id @param {{ value: string, text: string }[]} options */
  const fill = (id, options) => {
    const select = byId(id, HTMLSelectElement);
    const any = select.options[0];
    select.replaceChildren(...(any ? [any] : []), ...options.map((o) => el('option', { value: o.value, text: o.text })));
  };
  fill('topic', facets.areas.map((a) => ({ value: a.area, text: a.label })));
  fill('difficulty', facets.difficulties.map((d) => ({ value: d, text: label(d) })));
  fill('type', facets.types.map((t) => ({ value: t, text: label(t) })));
}

export async function loadFilters() {
  try {
    fillFilters(/** @type {Facets} */ (await api('GET', '/api/questions/facets')));
  } catch {
    // Without the facets the selects offer "Any" only, which always works.
  }
}

/** The mode chosen in the form. @param {HTMLFormElement} form @returns {Mode} */
export function chosenMode(form) {
  const v = String(new FormData(form).get('mode') || 'practice');
  return v === 'review' || v === 'mock' ? v : 'practice';
}

/**
 * The start request the form describes. Review picks its own questions, so it sends no filters.
 * @param {HTMLFormElement} form
 * @param {string} candidateId
 */
export function startRequest(form, candidateId) {
  const data = new FormData(form);
  const mode = chosenMode(form);
  /** @type {Record<string, string | number>} */
  const body = { mode, candidateId };
  if (mode !== 'review') {
    for (const key of ['topic', 'difficulty', 'type']) {
      const v = String(data.get(key) || '');
      if (v) body[key] = v;
    }
  }
  const count = Number(data.get('count'));
  if (Number.isInteger(count) && count > 0) body.count = count;
  if (mode === 'mock') body.timeLimitSeconds = Number(data.get('timeLimit')) || 240;
  return body;
}

/** Show the time-limit field with mock mode and the filters without review. @param {HTMLFormElement} form */
export function reflectMode(form) {
  const mode = chosenMode(form);
  byId('time-limit-field', HTMLElement).hidden = mode !== 'mock';
  for (const f of form.querySelectorAll('.filter')) {
    if (f instanceof HTMLElement && !f.querySelector('#count')) f.hidden = mode === 'review';
  }
}

/** The profile card: shows the id and wires copy, download and import. Returns a getter for the id. */
export function profileCard() {
  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  })();
  let id = loadOrCreateId(storage);
  const shown = byId('candidate-id', HTMLElement);
  const link = byId('history-link', HTMLAnchorElement);
  const note = byId('profile-note', HTMLElement);
  const input = byId('import-id', HTMLInputElement);
  const file = byId('import-file', HTMLInputElement);
  const render = () => {
    shown.textContent = id;
    link.href = `/history?candidate=${encodeURIComponent(id)}`;
  };
  render();

  byId('copy-id', HTMLButtonElement).addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(id);
      note.textContent = 'Practice id copied.';
    } catch {
      note.textContent = 'This browser did not allow copying; select the id above and copy it by hand.';
    }
  });
  byId('download-id', HTMLButtonElement).addEventListener('click', () => {
    saveBlob(new Blob([exportText(id)], { type: 'application/json' }), 'interview-coach-profile.json');
    note.textContent = 'Profile downloaded. In another browser, open this page and use "Use an id from another browser".';
  });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) input.value = (await chosen.text()).slice(0, 10_000);
  });
  byId('import-button', HTMLButtonElement).addEventListener('click', () => {
    const parsed = parseImport(input.value);
    if ('error' in parsed) {
      note.textContent = parsed.error;
      note.classList.add('error-note');
      input.focus();
      return;
    }
    id = parsed.id;
    storeId(storage, id);
    render();
    input.value = '';
    note.classList.remove('error-note');
    note.textContent = 'This browser now uses that practice id; new sessions go to its history.';
  });
  return () => id;
}

/** What the page says when review has nothing due, from the 409's `details.nextDueAt`. @param {string | null} nextDueAt */
export function nothingDueText(nextDueAt) {
  if (!nextDueAt) return 'Nothing to review yet: none of your graded answers has missed a key point. Questions whose key points you miss come back here when they are due.';
  const when = new Date(nextDueAt).toLocaleString('en', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
  return `Nothing is due for review yet. The next question is due on ${when}.`;
}
