import { type CoachError, JudgeFailedError, JudgeOutputError, JudgeRefusedError, JudgeUnavailableError } from '../errors.js';
import type { Grade } from '../grading/grade-schema.js';

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
