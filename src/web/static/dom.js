// Small DOM and fetch helpers shared by the chat modules. Text always goes in as text nodes (never HTML).

let uid = 0;
/** A fresh element id, for aria-controls and aria-labelledby. */
export const nextId = (prefix) => `${prefix}-${++uid}`;

/** Build an element. `text` sets textContent; other attributes are set as strings; children may be strings. */
export function el(tag, attrs = {}, ...children) {
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

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// Present only when the server requires API keys: a short-lived token for this page's session API calls.
const apiToken = document.querySelector('meta[name="coach-api-token"]')?.getAttribute('content') || '';

export async function api(method, path, body) {
  let res;
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  if (apiToken) headers.authorization = `Bearer ${apiToken}`;
  try {
    res = await fetch(path, {
      method,
      headers,
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

/** Scores always show one decimal, as the API rounds them. */
export const fmtScore = (n) => (Number.isInteger(n) ? `${n}.0` : String(n));
export const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
