import type { Grade, KeyPointResult, Verdict } from '../../grading/grade-schema.js';
import { round } from '../../numbers.js';
import { CREDIT } from './evidence.js';

/** Spread between the two orders' scores at which a grade is marked inconsistent. */
export const INCONSISTENT_SPREAD = 2;

/**
 * Merge the key-point verdicts of the two orders (both already evidence-checked), point by point:
 * `covered` only when both orders say covered, `missing` only when both say missing, `partial` for any
 * other combination. This is the verdict-level analogue of averaging the two scores, and it never credits
 * a point more than both orders together support. The quote kept is the one from the order that gave the
 * higher verdict (both quotes were found in the answer). A disagreement is written in `flag`.
 */
export function mergeKeyPoints(first: readonly KeyPointResult[], last: readonly KeyPointResult[]): KeyPointResult[] {
  const lastById = new Map(last.map((k) => [k.id, k]));
  return first.map((a) => {
    const b = lastById.get(a.id) ?? { ...a, verdict: 'missing' as const, evidence: null };
    const both = CREDIT[a.verdict] + CREDIT[b.verdict];
    const verdict: Verdict = both === 2 ? 'covered' : both === 0 ? 'missing' : 'partial';
    const stronger = CREDIT[b.verdict] > CREDIT[a.verdict] ? b : a;
    const flags = [a.flag && `reference-first: ${a.flag}`, b.flag && `reference-last: ${b.flag}`];
    if (a.verdict !== b.verdict) flags.unshift(`the orders disagree: ${a.verdict} with the reference first, ${b.verdict} with it last`);
    const flag = flags.filter(Boolean).join('; ');
    return {
      id: a.id,
      statement: a.statement,
      weight: a.weight,
      verdict,
      evidence: verdict === 'missing' ? null : stronger.evidence,
      ...(flag ? { flag } : {}),
    };
  });
}

/**
 * Agreement of the two orders. The score is always their mean; at a spread of 2 levels or more the grade
 * is marked inconsistent and shown as low confidence rather than broken by a third call, because a third
 * call must put the reference on one side again and so reintroduces the very bias the swap removes.
 */
export function consistencyOf(referenceFirst: number, referenceLast: number): NonNullable<Grade['consistency']> {
  const spread = round(Math.abs(referenceFirst - referenceLast), 2);
  const inconsistent = spread >= INCONSISTENT_SPREAD;
  return { referenceFirst, referenceLast, spread, inconsistent, resolution: inconsistent ? 'low-confidence' : 'mean' };
}
