import { createHash } from 'node:crypto';
import type { GradeRequest } from '../grading/grade-schema.js';
import type { Variant } from '../store/grade-events-repo.js';

/**
 * A point of [0, 1) drawn from a key by hashing: the same key always gives the same point, and points of
 * different keys are spread uniformly (the first 52 bits of a sha256).
 */
export function unitHash(key: string): number {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, 13);
  return Number.parseInt(hex, 16) / 2 ** 52;
}

/**
 * The prompt A/B variant of a key (a session id): B when the key's point falls below `share`. Sticky: the
 * same key and experiment always give the same variant. Raising the share only moves keys from A to B, never
 * back. `experiment` salts the hash (the candidate prompt's name), so each new experiment draws a fresh
 * B group instead of reusing the last one's.
 *
 * @example
 * assignVariant('7010879e-...', 0.2, 'strict-levels'); // 'A' for about 80% of session ids
 */
export function assignVariant(key: string, share: number, experiment: string): Variant {
  if (share <= 0) return 'A';
  if (share >= 1) return 'B';
  return unitHash(`${experiment}\u0000${key}`) < share ? 'B' : 'A';
}

/**
 * The assignment key of a grade with no session (`POST /api/grade`): the question and the answer. The same
 * request always meets the same prompt, so a client that resends an answer gets the same judge.
 */
export function requestKey(request: GradeRequest): string {
  const question = 'questionId' in request ? `id:${request.questionId}` : `q:${request.question}\u0000${request.referenceAnswer}`;
  return `${question}\u0000${request.answer}`;
}
