import type { KeyPoint, Rubric } from '../../bank/schema.js';
import { contentStems, type Sentence, sentences } from '../../text/tokens.js';

/**
 * Stems too common in MLOps answers to count as evidence of any particular point on their own.
 * They still count inside a multi-word term ("training data").
 */
const GENERIC = new Set(contentStems('model models ml data system use used production process thing way good important example'));

/** A key point ready for matching: its terms and statement as stem sets. */
export interface CompiledKeyPoint {
  point: KeyPoint;
  /** Each term as the set of its content stems; a term matches when all of them are in one sentence. */
  terms: string[][];
  /** Content stems of the statement, less generic ones and those of the question. */
  statement: string[];
}

/** Key points to grade against when a question has no rubric: one per sentence of the reference answer. */
export function keyPointsFromReference(reference: string): KeyPoint[] {
  return sentences(reference)
    .filter((s) => s.stems.size >= 2)
    .slice(0, 8)
    .map((s, i) => ({ id: `reference-${i + 1}`, statement: s.text, weight: 1 }));
}

export function compileKeyPoints(points: readonly KeyPoint[], questionStems: ReadonlySet<string>): CompiledKeyPoint[] {
  // Stems the question already contains earn nothing: repeating the question is not answering it.
  const fresh = (stems: string[]) => stems.filter((s) => !questionStems.has(s));
  return points.map((point) => ({
    point,
    terms: (point.terms ?? [])
      .map((t) => {
        const all = contentStems(t);
        const kept = fresh(all);
        // A one-word term that is generic or in the question is no signal; a phrase keeps its own words.
        return all.length === 1 && GENERIC.has(all[0] ?? '') ? [] : kept;
      })
      .filter((t) => t.length > 0),
    statement: [...new Set(fresh(contentStems(point.statement)).filter((s) => !GENERIC.has(s)))],
  }));
}

export function rubricKeyPoints(rubric: Rubric | null, reference: string): KeyPoint[] {
  return rubric?.keyPoints.length ? rubric.keyPoints : keyPointsFromReference(reference);
}

export interface PointMatch {
  strength: 0 | 0.5 | 1;
  /** Index of the sentence that earned it, or -1. */
  sentence: number;
  hits: number;
  overlap: number;
}

function matchIn(stems: ReadonlySet<string>, kp: CompiledKeyPoint): { hits: number; overlap: number } {
  let hits = 0;
  for (const term of kp.terms) if (term.every((s) => stems.has(s))) hits++;
  let shared = 0;
  for (const s of kp.statement) if (stems.has(s)) shared++;
  return { hits, overlap: kp.statement.length ? shared / kp.statement.length : 0 };
}

function strengthOf(hits: number, overlap: number, statementSize: number): 0 | 0.5 | 1 {
  if (hits >= 2 || (hits === 1 && overlap >= 0.25) || (statementSize >= 3 && overlap >= 0.5)) return 1;
  if (hits === 1 || (statementSize >= 2 && overlap >= 0.3)) return 0.5;
  return 0;
}

/**
 * Find the sentence of the answer that best supports a key point. A point may be made across two
 * consecutive sentences; the one with more of it is quoted. Sentences that are not prose (keyword lists)
 * can earn a partial at most.
 */
export function matchKeyPoint(
  kp: CompiledKeyPoint,
  answer: readonly Sentence[],
  prose: readonly boolean[],
  pairs: readonly (ReadonlySet<string> | null)[] = pairStems(answer, prose),
): PointMatch {
  let best: PointMatch = { strength: 0, sentence: -1, hits: 0, overlap: 0 };
  const consider = (m: PointMatch) => {
    if (m.strength > best.strength || (m.strength === best.strength && m.hits + m.overlap > best.hits + best.overlap)) best = m;
  };
  for (let i = 0; i < answer.length; i++) {
    const s = answer[i];
    if (!s) continue;
    const single = matchIn(s.stems, kp);
    let strength = strengthOf(single.hits, single.overlap, kp.statement.length);
    if (!prose[i] && strength === 1) strength = 0.5;
    consider({ strength, sentence: i, ...single });

    const next = answer[i + 1];
    const pairSet = pairs[i];
    if (next && pairSet) {
      const pair = matchIn(pairSet, kp);
      const nextOnly = matchIn(next.stems, kp);
      const quoted = nextOnly.hits + nextOnly.overlap > single.hits + single.overlap ? i + 1 : i;
      consider({ strength: strengthOf(pair.hits, pair.overlap, kp.statement.length), sentence: quoted, ...pair });
    }
  }
  return best;
}

/** Stems of each prose sentence joined with the next prose sentence (null where there is no such pair). */
export function pairStems(answer: readonly Sentence[], prose: readonly boolean[]): (ReadonlySet<string> | null)[] {
  return answer.map((s, i) => {
    const next = answer[i + 1];
    return next && prose[i] && prose[i + 1] ? new Set([...s.stems, ...next.stems]) : null;
  });
}
