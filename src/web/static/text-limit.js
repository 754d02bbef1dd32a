// @ts-check
// The answer's length as the server counts it, and keeping a paste within it.

// The server's INVISIBLE_CHARS_SOURCE (src/text/untrusted-input.ts): removed before grading, so not counted.
export const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

const ONE_INVISIBLE = new RegExp(INVISIBLE.source, 'u');

/** Characters as the server counts them: code points (an emoji is one), invisible ones left out. @param {string} text */
export function visibleLength(text) {
  let n = 0;
  for (const _ of text.replace(INVISIBLE, '')) n += 1;
  return n;
}

/**
 * The start of `text` holding at most `room` counted characters (whole code points, so an emoji is never
 * split), and how many counted characters were left out.
 * @param {string} text
 * @param {number} room
 * @returns {{ kept: string, cut: number }}
 */
export function clipVisible(text, room) {
  let kept = '';
  let n = 0;
  let cut = 0;
  for (const ch of text) {
    const counts = !ONE_INVISIBLE.test(ch);
    if (cut || (counts && n >= room)) {
      if (counts) cut += 1;
      continue;
    }
    kept += ch;
    if (counts) n += 1;
  }
  return { kept, cut };
}

/**
 * Insert a paste into a text box so the whole stays within `limit` counted characters; returns how many
 * characters of the paste were left out (0 when it fitted).
 * @param {HTMLTextAreaElement} box
 * @param {string} pasted
 * @param {number} limit
 */
export function pasteWithin(box, pasted, limit) {
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? start;
  const rest = box.value.slice(0, start) + box.value.slice(end);
  const { kept, cut } = clipVisible(pasted, Math.max(0, limit - visibleLength(rest)));
  box.setRangeText(kept, start, end, 'end');
  box.dispatchEvent(new Event('input', { bubbles: true }));
  return cut;
}
