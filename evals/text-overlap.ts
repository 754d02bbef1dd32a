import { tokenize } from '../src/text/tokens.js';

/**
 * Surface-overlap baselines (ROUGE-L, BLEU) of an answer against the reference, on lower-cased word
 * tokens. They are here to show how far word overlap is from a grade, so they are kept textbook-plain.
 */

/** Length of the longest common subsequence of two token lists. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** ROUGE-L F1 (Lin 2004, with beta = 1): harmonic mean of LCS precision and recall. */
export function rougeL(candidate: string, reference: string): number {
  const c = tokenize(candidate);
  const r = tokenize(reference);
  const lcs = lcsLength(c, r);
  if (lcs === 0) return 0;
  const p = lcs / c.length;
  const rec = lcs / r.length;
  return (2 * p * rec) / (p + rec);
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join(' ');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * Sentence-level BLEU-4 (Papineni et al. 2002): geometric mean of clipped n-gram precisions for n = 1..4,
 * times the brevity penalty. Orders 2..4 are smoothed by adding one to numerator and denominator
 * (Lin and Och 2004), since short answers often share no 4-gram with the reference and would all score 0.
 */
export function bleu(candidate: string, reference: string, maxN = 4): number {
  const c = tokenize(candidate);
  const r = tokenize(reference);
  if (c.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= maxN; n++) {
    const cand = ngrams(c, n);
    const ref = ngrams(r, n);
    let matched = 0;
    let total = 0;
    for (const [g, count] of cand) {
      matched += Math.min(count, ref.get(g) ?? 0);
      total += count;
    }
    const smooth = n > 1 ? 1 : 0;
    if (matched + smooth === 0) return 0;
    logSum += Math.log((matched + smooth) / (total + smooth));
  }
  const bp = c.length >= r.length ? 1 : Math.exp(1 - r.length / c.length);
  return bp * Math.exp(logSum / maxN);
}
