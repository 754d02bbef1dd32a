// @ts-check
// The practice profile without accounts: a random id kept in this browser, which the candidate can copy,
// download and import in another browser. The id is the only key to the candidate's history.

export const STORAGE_KEY = 'coach.candidateId';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a practice id as the server accepts it (a UUID). @param {string} s */
export const isCandidateId = (s) => UUID.test(s);

/**
 * The id kept in this browser, made on first use. Without storage (private mode, blocked) the id lives
 * as long as the page: practice still works, history does not carry over.
 * @param {Storage | null} storage
 * @param {() => string} [makeId]
 */
export function loadOrCreateId(storage, makeId = () => crypto.randomUUID()) {
  const kept = safeGet(storage);
  if (kept && isCandidateId(kept)) return kept;
  const id = makeId();
  safeSet(storage, id);
  return id;
}

/**
 * Read an id the candidate pasted or a profile file they chose: the bare id, or the JSON this page
 * exports. Returns the id, or an error sentence saying what is wrong.
 * @param {string} text
 * @returns {{ id: string } | { error: string }}
 */
export function parseImport(text) {
  const trimmed = text.trim();
  if (!trimmed) return { error: 'Paste a practice id or choose an exported profile file first.' };
  let candidate = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      const value = JSON.parse(trimmed);
      candidate = typeof value?.candidateId === 'string' ? value.candidateId : '';
    } catch {
      return { error: 'That file is not a profile this page exported (it is not valid JSON).' };
    }
    if (!candidate) return { error: 'That file has no candidateId.' };
  }
  if (!isCandidateId(candidate)) return { error: 'That is not a practice id: it looks like 8-4-4-4-12 hexadecimal digits.' };
  return { id: candidate.toLowerCase() };
}

/** The profile as a small JSON file. @param {string} id */
export const exportText = (id) => `${JSON.stringify({ candidateId: id, exportedFrom: 'interview coach' }, null, 2)}\n`;

/** Replace the id kept in this browser. @param {Storage | null} storage @param {string} id */
export function storeId(storage, id) {
  safeSet(storage, id);
}

/** @param {Storage | null} storage */
function safeGet(storage) {
  try {
    return storage ? storage.getItem(STORAGE_KEY) : null;
  } catch {
    return null;
  }
}

/** @param {Storage | null} storage @param {string} id */
function safeSet(storage, id) {
  try {
    storage?.setItem(STORAGE_KEY, id);
  } catch {
    // Storage full or blocked: the id still works for this page.
  }
}
