import { CoachError, JudgeFailedError, JudgeOutputError, JudgeRefusedError, JudgeUnavailableError, OverloadedError } from '../errors.js';
import type { TurnFailure } from '../store/turns-repo.js';
import type { Grade } from './grade-schema.js';

// The two mappings between why a grade failed and the error hierarchy, side by side next to `grade()`:
// an unscored grade becomes an HTTP error, and an error `grade()` threw becomes a stored failure reason.


/**
 * The one mapping from an unscored grade to an HTTP error. The error body carries the unscored grade
 * itself (runs with the raw replies, usage, prompt version), so a failed grade loses no evidence.
 *
 * | reason                     | status | code                 | client should                          |
 * |----------------------------|--------|----------------------|----------------------------------------|
 * | provider-unavailable       | 503    | judge_unavailable    | retry, after `Retry-After` when given  |
 * | timeout                    | 503    | judge_unavailable    | retry                                  |
 * | invalid-output, truncated, | 502    | judge_invalid_output | retry; a bug report if it persists     |
 * | reply-too-large            |        |                      |                                        |
 * | judge-error                | 502    | judge_failed         | fix the judge's configuration          |
 * | refusal                    | 422    | judge_refused        | not resend the same answer unchanged   |
 *
 * A refusal is 422, not 502: the provider worked and declined this particular answer, so retrying the
 * same text cannot help, which is what 422 says about a well-formed request.
 */
export function unscoredGradeError(grade: Grade): CoachError {
  const unscored = grade.unscored ?? { reason: 'judge-error' as const, detail: 'the judge gave no score' };
  const extra = { extra: { grade } };
  const detail = unscored.detail;
  switch (unscored.reason) {
    case 'provider-unavailable':
      return new JudgeUnavailableError(`the LLM judge is unavailable: ${detail}`, unscored.retryAfterSeconds, extra);
    case 'timeout':
      return new JudgeUnavailableError(`the LLM judge timed out: ${detail}`, unscored.retryAfterSeconds, extra);
    case 'invalid-output':
    case 'truncated':
    case 'reply-too-large':
      return new JudgeOutputError(`the judge's reply was not a usable verdict (${unscored.reason}): ${detail}`, extra);
    case 'refusal':
      return new JudgeRefusedError(`the judge declined to grade this answer: ${detail}`, extra);
    case 'judge-error':
      return new JudgeFailedError(`the judge could not grade this answer: ${detail}`, extra);
  }
}

/**
 * Why a grading attempt that threw failed, in the same terms as an unscored grade. A judge reports its own
 * failures (provider down, timeout, refusal, unusable reply) as an unscored verdict, never by throwing, so
 * only three things reach here: the gate's refusal, the errors `grade()` itself raises (an answer over the
 * limit, a question no longer in the bank), and a bug.
 */
export function failureOf(err: unknown): TurnFailure {
  // Refused before any LLM call: the queue was full or the server was stopping. Regrading it later works.
  if (err instanceof OverloadedError) return { reason: 'overloaded', detail: err.message };
  if (err instanceof CoachError) return { reason: 'judge-error', detail: err.message };
  // The message of an unexpected error may hold internals; the client gets a fixed text, the log gets all.
  const name = err instanceof Error ? err.name : typeof err;
  return { reason: 'judge-error', detail: `the judge failed unexpectedly (${name})` };
}
