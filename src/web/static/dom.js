// @ts-check
// Small DOM and fetch helpers shared by the chat modules. Text always goes in as text nodes (never HTML).

/** @typedef {import('../client-types.js').ErrorBodyT} ErrorBody */

let uid = 0;
/** A fresh element id, for aria-controls and aria-labelledby. @param {string} prefix */
export const nextId = (prefix) => `${prefix}-${++uid}`;

/**
 * @typedef {string | number | boolean | null | undefined | ((event: any) => void)} AttrValue
 * @typedef {Node | string | null | undefined | false} Child
 */

/**
 * Build an element. `text` sets textContent; `on<event>` adds a listener; other attributes are set as
 * strings; children may be strings (they become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

/**
 * The element with this id, of this class; a page without it is a bug worth failing loudly on.
 * @template {typeof HTMLElement} T
 * @param {string} id
 * @param {T} type
 * @returns {InstanceType<T>}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return /** @type {InstanceType<T>} */ (node);
}

export class ApiError extends Error {
  /** @param {string} message @param {number} status @param {(ErrorBody & Record<string, unknown>) | null} body */
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** Present only when the server requires API keys: a short-lived token for this page's session API calls. */
const apiToken = () => document.querySelector('meta[name="coach-api-token"]')?.getAttribute('content') || '';

/** @param {unknown} body */
function bodyHeaders(body) {
  /** @type {Record<string, string>} */
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  const token = apiToken();
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/**
 * Call the API; resolves with the parsed JSON of a 2xx (typed by the caller), throws an `ApiError` whose
 * message names the fields and reasons otherwise.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const res = await send(method, path, body);
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw errorOf(res.status, data);
  return data;
}

/**
 * Fetch a file the API offers for download (it needs the page token, so a plain link would not do).
 * @param {string} path
 * @returns {Promise<{ blob: Blob, filename: string | null }>}
 */
export async function download(path) {
  const res = await send('GET', path, undefined);
  if (!res.ok) {
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    throw errorOf(res.status, data);
  }
  const disposition = res.headers.get('content-disposition') || '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? null;
  return { blob: await res.blob(), filename };
}

/** Hand a blob to the browser as a file download. @param {Blob} blob @param {string} filename */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** @param {string} method @param {string} path @param {unknown} body */
async function send(method, path, body) {
  try {
    return await fetch(path, { method, headers: bodyHeaders(body), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError('Could not reach the coach server. Check that it is running, then try again.', 0, null);
  }
}

/** @param {number} status @param {any} data */
function errorOf(status, data) {
  const err = data && data.error;
  const detail = err && Array.isArray(err.issues) && err.issues.length
    ? err.issues.map((/** @type {{ field: string, reason: string }} */ i) => `${i.field}: ${i.reason}`).join('; ')
    : err && err.message;
  return new ApiError(detail || `The server answered ${status}.`, status, data);
}

/** Scores always show one decimal, as the API rounds them. @param {number | null | undefined} n */
export const fmtScore = (n) => (n === null || n === undefined ? 'no score' : Number.isInteger(n) ? `${n}.0` : String(n));
/** @param {string} s */
export const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** A duration as a candidate reads it: "45 s", "2 min 05 s". @param {number} ms */
export function fmtDuration(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}
