import type { KeyPoint } from '../../bank/schema.js';
import { contentStems, type Sentence, tokenize } from '../../text/tokens.js';
import { type AlignDeps, type AlignTarget, alignTarget, linksOf } from './alignment.js';
import { negations } from './text-shape.js';

/**
 * Stems too common in MLOps answers to count as evidence of any particular point on their own.
 * They still count inside a multi-word term ("training data").
 */
const GENERIC = new Set(contentStems('model models ml data system use used production process thing way good important example'));

/** A term counts as made when each of its words aligns at least this closely (same stem, synonym, typo). */
const TERM_MATCH = 0.9;

/** A key point ready for matching: its terms and statement aligned against one target. */
export interface CompiledKeyPoint {
  point: KeyPoint;
  /** Each term as indices into `target`; a term is made when all of them align in one sentence. */
  terms: number[][];
  /** Indices into `target` of the statement's content stems, less generic ones and those of the question. */
  statement: number[];
  statementWeight: number;
  target: AlignTarget;
  /** The statement itself negates ("never retrain on ..."), so a negating sentence does not contradict it. */
  negated: boolean;
}


export function compileKeyPoints(points: readonly KeyPoint[], questionStems: ReadonlySet<string>, deps?: AlignDeps): CompiledKeyPoint[] {
  // Stems the question already contains earn nothing: repeating the question is not answering it.
  const fresh = (stems: string[]) => stems.filter((s) => !questionStems.has(s));
  return points.map((point) => {
    const terms = (point.terms ?? [])
      .map((t) => {
        const all = contentStems(t);
        // A one-word term that is generic or in the question is no signal; a phrase keeps its own words.
        return all.length === 1 && GENERIC.has(all[0] ?? '') ? [] : fresh(all);
      })
      .filter((t) => t.length > 0);
    const allStatement = contentStems(point.statement);
    let statement = [...new Set(fresh(allStatement).filter((s) => !GENERIC.has(s)))];
    if (statement.length === 0) statement = [...new Set(allStatement)];
    const target = alignTarget([...statement, ...terms.flat()], deps);
    const at = (s: string) => target.stems.indexOf(s);
    const statementIdx = statement.map(at);
    return {
      point,
      terms: terms.map((t) => t.map(at)),
      statement: statementIdx,
      statementWeight: statementIdx.reduce((a, i) => a + (target.weights[i] ?? 0), 0),
      target,
      negated: negations(tokenize(point.statement)) > 0,
    };
  });
}

export interface PointMatch {
  strength: 0 | 0.5 | 1;
  /** Index of the sentence quoted as evidence, or -1. */
  sentence: number;
  hits: number;
  /** Weighted aligned share of the statement. */
  overlap: number;
  /** The evidence negates what the point states (or the other way round): it may contradict it. */
  contradicts: boolean;
}

/** Links of one answer stem into each key point's target, flattened as [index, similarity, ...]. */
export type StemPointLinks = readonly (readonly number[])[];
const NO_LINKS: readonly number[] = [];

/** Links of a stem into each point's target (most are empty: a point has a handful of words). */
export function stemPointLinks(points: readonly CompiledKeyPoint[], st: string, deps?: AlignDeps): StemPointLinks {
  return points.map((kp) => {
    const l = linksOf(kp.target, st, deps);
    return l.length === 0 ? NO_LINKS : l;
  });
}

// Best similarity of each of a point's target stems, reused by every match (grown for a bigger point).
let scratch = new Float64Array(64);

/**
 * Terms made and weighted share of the statement aligned, by the union of the links of the stems of one
 * sentence or two (`b`): `a` and `b` hold each stem's links to every point, of which this point's are read.
 */
function matchIn(kp: CompiledKeyPoint, point: number, a: readonly StemPointLinks[], b: readonly StemPointLinks[] | null): { hits: number; overlap: number } {
  const size = kp.target.stems.length;
  if (scratch.length < size) scratch = new Float64Array(size);
  const best = scratch;
  best.fill(0, 0, size);
  take(best, a, point);
  if (b) take(best, b, point);
  let hits = 0;
  for (const term of kp.terms) {
    let made = true;
    for (const i of term) if ((best[i] ?? 0) < TERM_MATCH) made = false;
    if (made) hits++;
  }
  let shared = 0;
  for (const i of kp.statement) shared += (best[i] ?? 0) * (kp.target.weights[i] ?? 0);
  return { hits, overlap: kp.statementWeight ? shared / kp.statementWeight : 0 };
}

/** Raise `best` to the similarities of the point's links of each stem. */
function take(best: Float64Array, stems: readonly StemPointLinks[], point: number): void {
  for (const links of stems) {
    const l = links[point] ?? NO_LINKS;
    for (let k = 0; k < l.length; k += 2) {
      const i = l[k] as number;
      const sim = l[k + 1] as number;
      if (sim > (best[i] as number)) best[i] = sim;
    }
  }
}

/** Some stem of the sentence links to the point. */
function touches(stems: readonly StemPointLinks[], point: number): boolean {
  for (const links of stems) if ((links[point] ?? NO_LINKS).length > 0) return true;
  return false;
}

/**
 * Thresholds of a verdict. Two terms, or one term with some of the statement, or most of a statement of
 * three or more words make a point covered; one term or a good part of the statement make it partial.
 */
export const COVERED_OVERLAP = 0.5;
export const PARTIAL_OVERLAP = 0.3;

function strengthOf(hits: number, overlap: number, statementSize: number): 0 | 0.5 | 1 {
  if (hits >= 2 || (hits === 1 && overlap >= 0.25) || (statementSize >= 3 && overlap >= COVERED_OVERLAP) || (statementSize < 3 && overlap >= 0.85)) return 1;
  if (hits === 1 || (statementSize >= 2 && overlap >= PARTIAL_OVERLAP) || overlap >= 0.85) return 0.5;
  return 0;
}

/**
 * Find the sentence of the answer that makes a key point. A point may be made across two consecutive
 * sentences; the one that aligns with more of it is quoted. A sentence that is a list of terms earns a
 * partial at most, and so does one that negates what the point states (it may say the opposite).
 */
export function matchKeyPoint(
  kp: CompiledKeyPoint,
  answer: readonly Sentence[],
  prose: readonly boolean[],
  deps?: AlignDeps,
  /** Whether each sentence negates, when the caller already knows (it is the same for every point). */
  negated: readonly boolean[] = answer.map((s) => negations(s.tokens) > 0),
  /** This point's index and, for each sentence, its stems' links to every point (see stemPointLinks). */
  known?: { point: number; stems: readonly (readonly StemPointLinks[])[] },
): PointMatch {
  const { point, stems } = known ?? { point: 0, stems: answer.map((s) => [...s.stems].map((st) => [linksOf(kp.target, st, deps)])) };
  let best: PointMatch = NO_MATCH;
  // A sentence with no word of the point makes none of it (and adds nothing to a pair): no union to take.
  let next = answer.length > 0 && touches(stems[0] ?? [], point) ? matchIn(kp, point, stems[0] ?? [], null) : NOTHING;
  for (let i = 0; i < answer.length; i++) {
    const single = next;
    next = i + 1 < answer.length && touches(stems[i + 1] ?? [], point) ? matchIn(kp, point, stems[i + 1] ?? [], null) : NOTHING;
    if (single === NOTHING) continue;
    best = better(best, kp, i, single.hits, single.overlap, !prose[i], negated[i] ?? false);
    // A pair makes more of the point than either sentence alone only when both sentences align with it.
    if (next !== NOTHING && prose[i] && prose[i + 1]) {
      const pair = matchIn(kp, point, stems[i] ?? [], stems[i + 1] ?? []);
      const quoted = next.hits + next.overlap > single.hits + single.overlap ? i + 1 : i;
      // Only a pair that makes more of the point than either sentence alone is worth quoting as one.
      const alone = Math.max(single.hits + single.overlap, next.hits + next.overlap);
      if (alone > 0 && pair.hits + pair.overlap > alone) best = better(best, kp, quoted, pair.hits, pair.overlap, false, (negated[i] ?? false) || (negated[i + 1] ?? false));
    }
  }
  return best;
}

/**
 * The match of sentence i (hits and overlap of the point) if it beats `best`, else `best`. A list of terms
 * makes a point partly at most, and so does a sentence that negates what the point states.
 */
function better(best: PointMatch, kp: CompiledKeyPoint, i: number, hits: number, overlap: number, listy: boolean, neg: boolean): PointMatch {
  let strength = strengthOf(hits, overlap, kp.statement.length);
  if (listy && strength === 1) strength = 0.5;
  const contradicts = strength > 0 && neg !== kp.negated;
  if (contradicts && strength === 1) strength = 0.5;
  if (strength > best.strength || (strength === best.strength && strength > 0 && hits + overlap > best.hits + best.overlap)) return { strength, sentence: i, hits, overlap, contradicts };
  return best;
}

const NO_MATCH: PointMatch = { strength: 0, sentence: -1, hits: 0, overlap: 0, contradicts: false };
const NOTHING: { hits: number; overlap: number } = { hits: 0, overlap: 0 };
