/**
 * Character 3- to 5-grams of a text, lower-cased with runs of non-word characters as one space, and the
 * cosine of two such count vectors. Grams are coded as integers (base 38, below 38^5) and counted in an
 * open-addressing table of (gram, count) pairs side by side in one typed array: grading a long answer
 * allocates almost nothing, and a probe touches one cache line.
 */
export interface Grams {
  /** Pairs (gram, count); gram 0 marks an empty slot. */
  table: Int32Array;
  /** Slots - 1 (a power of two minus one). */
  mask: number;
  /** 32 - log2(slots): Fibonacci hashing takes the top bits of the product. */
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
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) n = put(out, n, c >= 65 && c <= 90 ? c + 32 : c);
    else {
      // Only two characters above ASCII lower-case to an ASCII letter (U+0130 to "i" and a combining dot,
      // the Kelvin sign to "k"); each unit lower-cases on its own as it does inside the whole string.
      const lower = String.fromCharCode(c).toLowerCase();
      for (let j = 0; j < lower.length; j++) n = put(out, n, lower.charCodeAt(j));
    }
  }
  if (out[n - 1] !== 1) out[n++] = 1;
  return n;
}

/** Append the code of lower-case character c at out[n] (a space only after a non-space); returns the new length. */
function put(out: Uint8Array, n: number, c: number): number {
  const k = code(c);
  if (k > 0) out[n++] = k + 1;
  else if (out[n - 1] !== 1) out[n++] = 1;
  return n;
}

/** Index in `table` of the pair for `gram`: where it is, or the empty slot where it goes. */
function slotOf(table: Int32Array, mask: number, shift: number, gram: number): number {
  // The top bits of the product: its low bits depend only on the key's low bits, and grams that share
  // their last characters would all collide.
  let h = Math.imul(gram, 0x9e3779b1) >>> shift;
  for (;;) {
    const at = (h & mask) << 1;
    const k = table[at] ?? 0;
    if (k === 0 || k === gram) return at;
    h = (h & mask) + 1;
  }
}

/** Bits of a table that holds `grams` grams at most three quarters full. */
function bitsFor(grams: number): number {
  let bits = 6;
  while (1 << bits < (grams * 4) / 3) bits++;
  return bits;
}

// Index of each pair countGrams filled, in order (the first `touchedCount`), for whoever reads and clears the table.
let touched = new Int32Array(4096);
let touchedCount = 0;

/**
 * Count the grams of the first `len` codes into `table` (empty on entry), noting the index of each new
 * pair in `touched`; returns the sum of squared counts.
 */
function countGrams(len: number, table: Int32Array, bits: number): number {
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  const t = codes;
  if (touched.length < 3 * len) touched = new Int32Array(3 * len);
  touchedCount = 0;
  let sq = 0;
  for (let i = 0; i + 3 <= len; i++) {
    // Codes are + 1 so that no gram codes as 0 (the empty slot) and "ab" differs from " ab".
    let g = (t[i] as number) * 1444 + (t[i + 1] as number) * 38 + (t[i + 2] as number);
    for (let n = 3; ; n++) {
      // slotOf, written out: this loop is most of the cost of the cosine.
      let h = Math.imul(g, 0x9e3779b1) >>> shift;
      for (;;) {
        const at = (h & mask) << 1;
        const k = table[at] as number;
        if (k === g) {
          const c = table[at + 1] as number;
          table[at + 1] = c + 1;
          // (c + 1)^2 - c^2: the sum of squares kept as the counts grow.
          sq += 2 * c + 1;
          break;
        }
        if (k === 0) {
          table[at] = g;
          table[at + 1] = 1;
          touched[touchedCount++] = at;
          sq += 1;
          break;
        }
        h = (h & mask) + 1;
      }
      if (n === 5 || i + n >= len) break;
      g = g * 38 + (t[i + n] as number);
    }
  }
  return sq;
}

/** The gram counts of a text, in a table sized to its distinct grams (kept per question). */
export function charGrams(text: string): Grams {
  const len = normalisedCodes(text, text.length);
  const wide = bitsFor(3 * len);
  const first = new Int32Array(2 << wide);
  const sq = countGrams(len, first, wide);
  const distinct = touchedCount;
  // Counted once in a table big enough for any text of this length, then moved into one sized to the
  // distinct grams: this table is probed once for each distinct gram of every answer to the question.
  // At most half full: most grams of an answer are not the reference's, and a miss probes to an empty slot.
  const bits = bitsFor((distinct * 3) / 2);
  const table = new Int32Array(2 << bits);
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  for (let at = 0; at < first.length; at += 2) {
    const g = first[at] ?? 0;
    if (g === 0) continue;
    const to = slotOf(table, mask, shift, g);
    table[to] = g;
    table[to + 1] = first[at + 1] ?? 0;
  }
  return { table, mask, shift, norm: Math.sqrt(sq) };
}

/** Count of a gram in prepared grams (0 when absent). */
function countOf(g: Grams, gram: number): number {
  const table = g.table;
  const mask = g.mask;
  let h = Math.imul(gram, 0x9e3779b1) >>> g.shift;
  for (;;) {
    const at = (h & mask) << 1;
    const k = table[at] as number;
    if (k === gram) return table[at + 1] as number;
    if (k === 0) return 0;
    h = (h & mask) + 1;
  }
}

/** Cosine of two gram count vectors (0 when either is empty). */
export function gramCosine(a: Grams, b: Grams): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.table.length <= b.table.length ? [a, b] : [b, a];
  let dot = 0;
  for (let at = 0; at < small.table.length; at += 2) {
    const k = small.table[at] ?? 0;
    if (k !== 0) dot += (small.table[at + 1] ?? 0) * countOf(large, k);
  }
  return dot / (a.norm * b.norm);
}

// Reusable tables for the answer side, one per size: an answer's grams are needed only for one cosine,
// and allocating (and zeroing) a fresh table per grade cost more than counting them.
const tables: Int32Array[] = [];

/** Cosine of the grams of a text (its first `limit` UTF-16 units) with prepared grams, without keeping the text's table. */
export function gramCosineWith(text: string, ref: Grams, limit: number = text.length): number {
  const len = normalisedCodes(text, limit);
  const bits = bitsFor(3 * len);
  const table = (tables[bits] ??= new Int32Array(2 << bits));
  const sq = countGrams(len, table, bits);
  let dot = 0;
  for (let k = 0; k < touchedCount; k++) {
    const at = touched[k] as number;
    dot += (table[at + 1] as number) * countOf(ref, table[at] as number);
    table[at] = 0;
    table[at + 1] = 0;
  }
  return sq === 0 || ref.norm === 0 ? 0 : dot / (Math.sqrt(sq) * ref.norm);
}
