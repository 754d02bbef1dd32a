import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether `candidate` equals one of `secrets`, in time that depends on neither the candidate nor which
 * secret matched: both sides are hashed to equal length first, and every secret is compared.
 */
export function matchesAny(candidate: string, secrets: readonly string[]): boolean {
  const c = digest(candidate);
  let found = false;
  for (const s of secrets) found = timingSafeEqual(c, digest(s)) || found;
  return found;
}
