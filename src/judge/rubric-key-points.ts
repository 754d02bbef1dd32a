import type { KeyPoint, Rubric } from '../bank/schema.js';
import { sentences } from '../text/tokens.js';

// The key points both judges grade against: the rubric's, or, for a question without one, the reference
// answer's sentences. Shared here so the LLM judge does not reach into the embedded judge.

/** Key points to grade against when a question has no rubric: one per sentence of the reference answer. */
export function keyPointsFromReference(reference: string): KeyPoint[] {
  const all = sentences(reference);
  const points = all.filter((s) => s.stems.size >= 2).slice(0, 8);
  // A short reference ("push", "log n") is one point: the whole of it.
  const used = points.length ? points : all.slice(0, 1);
  return used.map((s, i) => ({ id: `reference-${i + 1}`, statement: s.text, weight: 1 }));
}

/** The rubric's key points, or the reference answer's when the question has no rubric. */
export function rubricKeyPoints(rubric: Rubric | null, reference: string): KeyPoint[] {
  return rubric?.keyPoints.length ? rubric.keyPoints : keyPointsFromReference(reference);
}
