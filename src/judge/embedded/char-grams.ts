/**
 * Character 3- to 5-grams of a text, lower-cased with runs of non-word characters as one space, and the
 * cosine of two such count vectors. Grams are coded as integers (base 38, below 38^5) and counted in an
 * open-addressing table of typed arrays: grading a long answer allocates almost nothing.
 */
export interface Grams {
  keys: Int32Array;
  counts: Int32Array;
  /** Table size - 1 (a power of two minus one). */
  mask: number;
  /** 32 - log2(table size): Fibonacci hashing takes the top bits of the product. */
  shift: number;
  norm: number;
}

// Codes of the normalised text, reused between calls (grown when a longer text comes).
let codes = new Uint8Array(4096);

/** Gram code of one lower-case character: a-z 1..26, 0-9 27..36, anything else 0 (a space). */
function code(c: number): number {
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 48 && c <= 57) return c - 21;
  return 0;
}

/**
 * The first `limit` UTF-16 units of a text as it reads lower-cased, with every run of characters other
 * than a-z and 0-9 as one space and one space at each end, written to `codes` as gram codes + 1: the same
 * as ` ${text.slice(0, limit).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} ` without building those
 * strings. Returns the number of codes.
 */
function normalisedCodes(text: string, limit: number): number {
  const end = Math.min(text.length, limit);
  if (codes.length < end + 2) codes = new Uint8Array(end + 2);
  const out = codes;
  out[0] = 1;
  let n = 1;
  const put = (c: number) => {
    const k = code(c);
    if (k > 0) out[n++] = k + 1;
    else if (out[n - 1] !== 1) out[n++] = 1;
  };
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) put(c >= 65 && c <= 90 ? c + 32 : c);
    else {
      // Only two characters above ASCII lower-case to an ASCII letter (U+0130 to "i" and a combining dot,
      // the Kelvin sign to "k"); each unit lower-cases on its own as it does inside the whole string.
      const lower = String.fromCharCode(c).toLowerCase();
      for (let j = 0; j < lower.length; j++) put(lower.charCodeAt(j));
    }
  }
  if (out[n - 1] !== 1) out[n++] = 1;
  return n;
}

function slot(keys: Int32Array, mask: number, shift: number, key: number): number {
  // The top bits of the product: its low bits depend only on the key's low bits, and grams that share
  // their last characters would all collide.
  let h = Math.imul(key, 0x9e3779b1) >>> shift;
  for (;;) {
    const i = h & mask;
    const k = keys[i] ?? 0;
    if (k === 0 || k === key) return i;
    h = i + 1;
  }
}

export function charGrams(text: string): Grams {
  const len = normalisedCodes(text, text.length);
  let size = 64;
  let shift = 26;
  while (size < len * 6) {
    size *= 2;
    shift--;
  }
  const keys = new Int32Array(size);
  const counts = new Int32Array(size);
  const mask = size - 1;
  const t = codes;
  for (let i = 0; i + 3 <= len; i++) {
    let g = 0;
    for (let n = 0; n < 5 && i + n < len; n++) {
      // Codes are + 1 so that no gram codes as 0 (the empty slot) and "ab" differs from " ab".
      g = g * 38 + (t[i + n] ?? 1);
      if (n >= 2) {
        const s = slot(keys, mask, shift, g);
        keys[s] = g;
        counts[s] = (counts[s] ?? 0) + 1;
      }
    }
  }
  let sq = 0;
  for (let i = 0; i < size; i++) sq += (counts[i] ?? 0) * (counts[i] ?? 0);
  return { keys, counts, mask, shift, norm: Math.sqrt(sq) };
}

/** Cosine of two gram count vectors (0 when either is empty). */
export function gramCosine(a: Grams, b: Grams): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.keys.length <= b.keys.length ? [a, b] : [b, a];
  let dot = 0;
  for (let i = 0; i < small.keys.length; i++) {
    const k = small.keys[i] ?? 0;
    if (k === 0) continue;
    const s = slot(large.keys, large.mask, large.shift, k);
    if (large.keys[s] === k) dot += (small.counts[i] ?? 0) * (large.counts[s] ?? 0);
  }
  return dot / (a.norm * b.norm);
}

// Reusable tables for the answer side, one per size: an answer's grams are needed only for one cosine,
// and allocating (and zeroing) a fresh table per grade cost more than counting them. Each slot is a
// (gram, count) pair side by side, and a short answer gets a small table: both keep probes in cache.
const tables: Int32Array[] = [];
const touched: number[] = [];

/** Cosine of the grams of a text (its first `limit` UTF-16 units) with prepared grams, without keeping the text's table. */
export function gramCosineWith(text: string, ref: Grams, limit: number = text.length): number {
  const len = normalisedCodes(text, limit);
  // At most 3 grams a character: a table of 4 slots a character stays under three quarters full.
  let bits = 6;
  while (1 << bits < len * 4) bits++;
  const table = (tables[bits] ??= new Int32Array(2 << bits));
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  const t = codes;
  for (let i = 0; i + 3 <= len; i++) {
    let g = 0;
    for (let n = 0; n < 5 && i + n < len; n++) {
      g = g * 38 + (t[i + n] ?? 1);
      if (n >= 2) {
        let h = Math.imul(g, 0x9e3779b1) >>> shift;
        for (;;) {
          const at = (h & mask) << 1;
          const k = table[at] ?? 0;
          if (k === g) {
            table[at + 1] = (table[at + 1] ?? 0) + 1;
            break;
          }
          if (k === 0) {
            table[at] = g;
            table[at + 1] = 1;
            touched.push(at);
            break;
          }
          h = (h & mask) + 1;
        }
      }
    }
  }
  let sq = 0;
  let dot = 0;
  for (const at of touched) {
    const k = table[at] ?? 0;
    const c = table[at + 1] ?? 0;
    sq += c * c;
    const r = slot(ref.keys, ref.mask, ref.shift, k);
    if (ref.keys[r] === k) dot += c * (ref.counts[r] ?? 0);
    table[at] = 0;
    table[at + 1] = 0;
  }
  touched.length = 0;
  return sq === 0 || ref.norm === 0 ? 0 : dot / (Math.sqrt(sq) * ref.norm);
}
