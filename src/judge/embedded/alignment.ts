import { type Lexicon, lexicon } from '../../text/wordnet-lexicon.js';
import { type TermWeights, termWeights } from '../../text/term-weights.js';
import type { Sentence } from '../../text/tokens.js';
import type { AlignScratch } from './align-scratch.js';
import { boundedEditDistance } from './edit-distance.js';

/** Similarity of a likely typo (edit distance 1 for words of 4+ characters, 2 for 8+) of a word not in WordNet. */
export const TYPO = 0.9;

/**
 * One side of an alignment made ready once: the distinct content stems of a reference (or a key point),
 * their weights, and every stem that relates to one of them, so aligning an answer is lookups only.
 */
export interface AlignTarget {
  stems: readonly string[];
  /** A word as written for each stem (its first use), for the typo test: "refrence" is one edit from "reference". */
  surface: readonly string[];
  weights: Float64Array;
  totalWeight: number;
  /** Answer stem -> its links, for every related stem. */
  links: ReadonlyMap<string, Links>;
  /** Look-ups of words not linked to the target already made (answers to one question share their words). */
  typos: Map<string, Links>;
}

/**
 * Pairs (target index, similarity) flattened: [index, similarity, index, similarity, ...]. One array of
 * numbers stored side by side, rather than an array of pairs each on its own, is what aligning an answer
 * reads for every word; following a pointer per pair missed the cache.
 */
export type Links = readonly number[];

export interface AlignDeps {
  lexicon: Lexicon;
  weights: TermWeights;
}

let deps: AlignDeps | null = null;
/** WordNet and the frequency list, loaded on first use and shared by every question. */
export function alignDeps(): AlignDeps {
  deps ??= { lexicon: lexicon(), weights: termWeights() };
  return deps;
}

/** The distinct content stems of some sentences, each with a word as written. */
export function stemsWithSurface(sentences: readonly Pick<Sentence, 'contentTokens' | 'contentStems'>[], keep: (stem: string) => boolean = () => true): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sentences) {
    const stems = s.contentStems;
    for (let k = 0; k < stems.length; k++) {
      const st = stems[k] as string;
      if (!out.has(st) && keep(st)) out.set(st, s.contentTokens[k] as string);
    }
  }
  return out;
}

const NO_RELATED: ReadonlyMap<string, number> = new Map();
/**
 * The same words without WordNet's relations: same stem or a typo only. Key-point verdicts and the topic
 * test use it, because a synonym of a common word ("make", "set") is no evidence that a point is made.
 */
export function strictDeps(d: AlignDeps = alignDeps()): AlignDeps {
  return { weights: d.weights, lexicon: { has: d.lexicon.has, related: () => NO_RELATED, size: d.lexicon.size } };
}

export function alignTarget(stems: Iterable<string> | ReadonlyMap<string, string>, d: AlignDeps = alignDeps()): AlignTarget {
  const surfaceOf = stems instanceof Map ? (stems as ReadonlyMap<string, string>) : null;
  const list = surfaceOf ? [...surfaceOf.keys()] : [...new Set(stems as Iterable<string>)];
  const weights = new Float64Array(list.length);
  const links = new Map<string, number[]>();
  const link = (s: string, i: number, sim: number) => {
    let l = links.get(s);
    if (!l) links.set(s, (l = []));
    let at = 0;
    while (at < l.length && l[at] !== i) at += 2;
    if (at === l.length) l.push(i, sim);
    else if ((l[at + 1] ?? 0) < sim) l[at + 1] = sim;
  };
  let total = 0;
  list.forEach((s, i) => {
    weights[i] = d.weights.weight(s);
    total += weights[i] ?? 0;
    link(s, i, 1);
    for (const [r, sim] of d.lexicon.related(s)) link(r, i, sim);
  });
  return { stems: list, surface: list.map((st) => surfaceOf?.get(st) ?? st), weights, totalWeight: total, links, typos: new Map() };
}

const NONE: Links = [];

function typoBudget(s: string): number {
  return s.length >= 8 ? 2 : s.length >= 4 ? 1 : 0;
}

/**
 * Pairs (target index, similarity) an answer stem aligns with: its WordNet links, or, for a word WordNet
 * does not know, the target stems it is a likely typo of.
 */
export function linksOf(target: AlignTarget, s: string, d: AlignDeps = alignDeps(), written: string = s): Links {
  const direct = target.links.get(s);
  if (direct) return direct;
  const budget = typoBudget(written);
  if (budget === 0) return NONE;
  const key = written === s ? s : `${s} ${written}`;
  const known = target.typos.get(key);
  if (known) return known;
  // A word WordNet knows is no typo: remembered here too, since this small map is cheaper to ask than
  // the lexicon's (every answer word that is not a word of the target comes this way).
  if (d.lexicon.has(s)) {
    if (target.typos.size >= 5000) target.typos.clear();
    target.typos.set(key, NONE);
    return NONE;
  }
  const out: number[] = [];
  target.surface.forEach((t, i) => {
    const b = Math.min(budget, typoBudget(t));
    if (b > 0 && (boundedEditDistance(written, t, b) <= b || boundedEditDistance(s, target.stems[i] ?? '', b) <= b)) out.push(i, TYPO);
  });
  if (target.typos.size >= 5000) target.typos.clear();
  const result = out.length ? out : NONE;
  target.typos.set(key, result);
  return result;
}

/** Some link is to the same stem (similarity 1). */
function hasExact(l: Links): boolean {
  for (let k = 1; k < l.length; k += 2) if (l[k] === 1) return true;
  return false;
}

/** Whether an answer stem is one of the target's stems, or a likely typo of one (no WordNet relation counts). */
export function alignsExactly(target: AlignTarget, s: string, d: AlignDeps = alignDeps()): boolean {
  const direct = target.links.get(s);
  if (direct) return hasExact(direct);
  return linksOf(target, s, d).length > 0;
}

/**
 * What aligning needs to know of one answer stem against a question's reference, found once per question
 * (answers to one question share most of their words) instead of once per answer and target.
 */
export interface StemFacts {
  weight: number;
  /** WordNet knows the stem, so it is no typo of anything. */
  inLexicon: boolean;
  /** Its links into the reference less the question's words, and into the whole reference (none: undefined). */
  target: Links | undefined;
  full: Links | undefined;
  /** alignsExactly with the reference less the question's words, once asked. */
  exact?: boolean;
}

export type StemFactsOf = (s: string) => StemFacts;

/** A per-question memo of StemFacts for a reference's two targets (bounded: cleared when full). */
export function stemFactsOf(target: AlignTarget, full: AlignTarget, d: AlignDeps = alignDeps(), max = 20_000): StemFactsOf {
  const memo = new Map<string, StemFacts>();
  return (s) => {
    let f = memo.get(s);
    if (!f) {
      f = { weight: d.weights.weight(s), inLexicon: d.lexicon.has(s), target: target.links.get(s), full: full.links.get(s) };
      if (memo.size >= max) memo.clear();
      memo.set(s, f);
    }
    return f;
  };
}

/** linksOf(target or full, s, d, written), from the stem's facts: the same pairs, fewer look-ups. */
function linksFrom(f: StemFacts, side: 'target' | 'full', target: AlignTarget, s: string, d: AlignDeps, written: string) {
  const direct = side === 'target' ? f.target : f.full;
  if (direct) return direct;
  if (f.inLexicon || typoBudget(written) === 0) return NONE;
  return linksOf(target, s, d, written);
}

/** alignsExactly(reference target, s) from the stem's facts, remembered on them. */
export function alignsExactlyFrom(f: StemFacts, target: AlignTarget, s: string, d: AlignDeps = alignDeps()): boolean {
  if (f.exact === undefined) {
    if (f.target) f.exact = hasExact(f.target);
    else f.exact = !f.inLexicon && typoBudget(s) > 0 && linksOf(target, s, d).length > 0;
  }
  return f.exact;
}

export interface Alignment {
  /** Best similarity of each target stem to any answer stem. */
  target: Float64Array;
  /** Best similarity of each answer stem to any target stem. */
  answer: Float64Array;
  answerStems: readonly string[];
  answerWeights: Float64Array;
}

/**
 * Align the distinct stems of an answer with a target, both ways. With `facts` (the target being that
 * side of the reference they were made for), each stem is looked up once for its weight and links.
 */
export function align(
  target: AlignTarget,
  answerStems: readonly string[],
  d: AlignDeps = alignDeps(),
  written?: ReadonlyMap<string, string>,
  facts?: { of: StemFactsOf; side: 'target' | 'full' },
  /** Buffers the result may live in (it is valid until they are used again). */
  scratch?: AlignScratch,
): Alignment {
  const best = scratch ? scratch.take('target', target.stems.length) : new Float64Array(target.stems.length);
  const mine = scratch ? scratch.take('answer', answerStems.length) : new Float64Array(answerStems.length);
  const w = scratch ? scratch.take('weights', answerStems.length) : new Float64Array(answerStems.length);
  for (let j = 0; j < answerStems.length; j++) {
    const s = answerStems[j] ?? '';
    const as = written?.get(s) ?? s;
    let links: Links;
    if (facts) {
      const f = facts.of(s);
      w[j] = f.weight;
      links = linksFrom(f, facts.side, target, s, d, as);
    } else {
      w[j] = d.weights.weight(s);
      links = linksOf(target, s, d, as);
    }
    let m = 0;
    for (let k = 0; k < links.length; k += 2) {
      const i = links[k] as number;
      const sim = links[k + 1] as number;
      if (sim > (best[i] as number)) best[i] = sim;
      if (sim > m) m = sim;
    }
    mine[j] = m;
  }
  return { target: best, answer: mine, answerStems, answerWeights: w };
}

/** Weighted share of the target aligned by the answer. */
export function weightedRecall(t: AlignTarget, a: Alignment): number {
  if (t.totalWeight === 0) return 0;
  let s = 0;
  a.target.forEach((v, i) => (s += v * (t.weights[i] ?? 0)));
  return s / t.totalWeight;
}

/** Weighted share of the answer aligned with the target. */
export function weightedPrecision(a: Alignment): number {
  let s = 0;
  let tot = 0;
  a.answer.forEach((v, j) => {
    const w = a.answerWeights[j] ?? 0;
    s += v * w;
    tot += w;
  });
  return tot ? s / tot : 0;
}
