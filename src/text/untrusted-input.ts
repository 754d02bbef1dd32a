import { ValidationError } from '../errors.js';

/**
 * Characters a reader of the answer does not see but a model reading the prompt does: C0 controls other
 * than tab and newline (NUL and CR included), DEL and the C1 controls, the soft hyphen, zero-width
 * characters (U+180E, U+200B-U+200D, U+2060-U+2064, U+FEFF), bidi controls (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069), the tag characters (U+E0000-U+E007F) and the supplementary variation
 * selectors (U+E0100-U+E01EF). The last two are the usual carriers of text hidden from a human reviewer.
 *
 * The chat page counts characters with the same class (`src/web/static/chat.js`); a test keeps them equal.
 */
export const INVISIBLE_CHARS_SOURCE =
  '[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}]';
const INVISIBLE = new RegExp(INVISIBLE_CHARS_SOURCE, 'gu');

/** Flag a grade carries when invisible or control characters were removed from its input. */
export const INVISIBLE_REMOVED_FLAG = 'invisible-characters-removed';

/** Whether `s` holds a UTF-16 surrogate that is not half of a pair: no character at all, so not text. */
export function hasLoneSurrogate(s: string): boolean {
  // With the `u` flag a pair is one code point and only an unpaired half matches `\p{Cs}`.
  return /\p{Cs}/u.test(s);
}

/** `s` without the characters of `INVISIBLE_CHARS_SOURCE`, and how many were removed. */
export function stripInvisible(s: string): { text: string; removed: number } {
  let removed = 0;
  const text = s.replace(INVISIBLE, () => {
    removed += 1;
    return '';
  });
  return { text, removed };
}

/** Length in code points: what a candidate counts, where `s.length` counts an emoji as two. */
export function codePointLength(s: string): number {
  // A surrogate pair is one code point, a lone surrogate one too: the length less the pairs. The string
  // iterator took a step per character; this search finds nothing at once in a text without surrogates.
  const pairs = s.match(SURROGATE_PAIR);
  return s.length - (pairs ? pairs.length : 0);
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

export interface CleanedInput<T> {
  value: T;
  /** Dotted paths of the string fields that had characters removed. */
  cleaned: string[];
}

/**
 * Make every string of a parsed JSON body what it says: a lone surrogate anywhere is a 400 naming the
 * field, and invisible and control characters are removed. Keys are left as they are: the schemas
 * reject keys they do not know.
 *
 * @example
 * cleanUntrustedInput({ answer: 'drift\u200b' }); // { value: { answer: 'drift' }, cleaned: ['answer'] }
 */
export function cleanUntrustedInput<T>(body: T): CleanedInput<T> {
  const cleaned: string[] = [];
  const bad: string[] = [];
  const walk = (v: unknown, path: string[]): unknown => {
    if (typeof v === 'string') {
      const field = path.join('.') || 'body';
      if (hasLoneSurrogate(v)) {
        bad.push(field);
        return v;
      }
      const { text, removed } = stripInvisible(v);
      if (removed > 0) cleaned.push(field);
      return text;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, String(i)]));
    if (typeof v === 'object' && v !== null) {
      // A fresh object with the same own keys: `__proto__` stays a plain key, as JSON.parse made it.
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) Object.defineProperty(out, k, { value: walk(item, [...path, k]), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  const value = walk(body, []) as T;
  if (bad.length > 0) {
    throw new ValidationError(bad.map((field) => ({ field, reason: 'holds an unpaired UTF-16 surrogate, which is not a character' })));
  }
  return { value, cleaned };
}
