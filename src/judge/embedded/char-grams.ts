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

function code(c: number): number {
  if (c >= 97 && c <= 122) return c - 96; // a-z: 1..26
  if (c >= 48 && c <= 57) return c - 21; // 0-9: 27..36
  return 0; // space
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
  const t = ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
  let size = 64;
  let shift = 26;
  while (size < t.length * 6) {
    size *= 2;
    shift--;
  }
  const keys = new Int32Array(size);
  const counts = new Int32Array(size);
  const mask = size - 1;
  for (let i = 0; i + 3 <= t.length; i++) {
    let g = 0;
    for (let n = 0; n < 5 && i + n < t.length; n++) {
      // +1 so that no gram codes as 0 (the empty slot) and "ab" differs from " ab".
      g = g * 38 + code(t.charCodeAt(i + n)) + 1;
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

// One reusable table for the answer side: an answer's grams are needed only for one cosine, and
// allocating (and zeroing) a fresh table per grade cost more than counting them.
let scratch: Grams = { keys: new Int32Array(1 << 14), counts: new Int32Array(1 << 14), mask: (1 << 14) - 1, shift: 18, norm: 0 };
const touched: number[] = [];

/** Cosine of a text's grams with prepared grams, without keeping the text's table. */
export function gramCosineWith(text: string, ref: Grams): number {
  const t = ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
  let size = scratch.keys.length;
  let shift = scratch.shift;
  while (size < t.length * 6) {
    size *= 2;
    shift--;
  }
  if (size !== scratch.keys.length) scratch = { keys: new Int32Array(size), counts: new Int32Array(size), mask: size - 1, shift, norm: 0 };
  const { keys, counts, mask } = scratch;
  for (let i = 0; i + 3 <= t.length; i++) {
    let g = 0;
    for (let n = 0; n < 5 && i + n < t.length; n++) {
      g = g * 38 + code(t.charCodeAt(i + n)) + 1;
      if (n >= 2) {
        const s = slot(keys, mask, shift, g);
        if (keys[s] === 0) {
          keys[s] = g;
          touched.push(s);
        }
        counts[s] = (counts[s] ?? 0) + 1;
      }
    }
  }
  let sq = 0;
  let dot = 0;
  for (const s of touched) {
    const c = counts[s] ?? 0;
    const k = keys[s] ?? 0;
    sq += c * c;
    const r = slot(ref.keys, ref.mask, ref.shift, k);
    if (ref.keys[r] === k) dot += c * (ref.counts[r] ?? 0);
    keys[s] = 0;
    counts[s] = 0;
  }
  touched.length = 0;
  return sq === 0 || ref.norm === 0 ? 0 : dot / (Math.sqrt(sq) * ref.norm);
}
