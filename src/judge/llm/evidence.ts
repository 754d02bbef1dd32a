import type { KeyPoint } from '../../bank/schema.js';
import type { KeyPointResult, Verdict } from '../../grading/grade-schema.js';
import type { JudgeReply } from './judge-reply.js';
import { INVISIBLE } from './untrusted-text.js';

/**
 * Fold the differences that do not change what was said: case, runs of white space, typographic quotes
 * and dashes, the `‹ ›` that neutralisation put in place of angle brackets, and invisible characters.
 */
export function normaliseForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/\u2039/g, '<')
    .replace(/\u203A/g, '>')
    .replace(/[\u2018\u2019\u201A\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

// Quote marks and punctuation a judge adds or drops at the edges of an excerpt.
const EDGES = /^[\s"'`.,;:!?()[\]-]+|[\s"'`.,;:!?()[\]-]+$/g;

/**
 * True when the quote occurs in the answer once both are normalised. A judge that elides with `...`
 * must still quote every fragment, in order.
 */
export function quoteInAnswer(quote: string, answer: string): boolean {
  const haystack = normaliseForMatch(answer);
  const fragments = normaliseForMatch(quote)
    .split('...')
    .map((f) => f.replace(EDGES, ''))
    .filter((f) => /[\p{L}\p{N}]/u.test(f));
  if (fragments.length === 0) return false;
  let from = 0;
  for (const f of fragments) {
    const at = haystack.indexOf(f, from);
    if (at < 0) return false;
    from = at + f.length;
  }
  return true;
}

/** What a verdict is worth: a covered point in full, a partial one by half. */
export const CREDIT: Record<Verdict, number> = { covered: 1, partial: 0.5, missing: 0 };

/** One order's key-point verdicts after the evidence check, and what the check took away. */
export interface CheckedOrder {
  keyPoints: KeyPointResult[];
  /** Levels taken off the judge's score for credit it gave without a quote from the answer. */
  penalty: number;
  downgraded: number;
}

/**
 * Check every quote a judge gave against the answer. A `covered` or `partial` verdict whose quote is
 * missing or not in the answer becomes `missing`, with a flag. The judge's holistic score counted that
 * credit too, so the order's score loses the downgraded points' share of the rubric's weight times the
 * 4-level range (a covered point in full, a partial one by half).
 */
export function checkEvidence(reply: JudgeReply, points: readonly KeyPoint[], answer: string): CheckedOrder {
  const byId = new Map(reply.keyPoints.map((k) => [k.id, k]));
  const totalWeight = points.reduce((a, p) => a + p.weight, 0) || 1;
  let lost = 0;
  let downgraded = 0;
  const keyPoints = points.map((p): KeyPointResult => {
    const given = byId.get(p.id);
    const base = { id: p.id, statement: p.statement, weight: p.weight };
    if (!given || given.verdict === 'missing') return { ...base, verdict: 'missing', evidence: null };
    const quote = given.quote?.trim() ?? '';
    if (quote && quoteInAnswer(quote, answer)) return { ...base, verdict: given.verdict, evidence: quote };
    lost += p.weight * CREDIT[given.verdict];
    downgraded++;
    const flag = quote
      ? `judge said ${given.verdict}, but its quote is not in the answer: "${quote.slice(0, 200)}"`
      : `judge said ${given.verdict} without quoting the answer`;
    return { ...base, verdict: 'missing', evidence: null, flag };
  });
  return { keyPoints, penalty: (4 * lost) / totalWeight, downgraded };
}
