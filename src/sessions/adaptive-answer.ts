import { ConflictError } from '../errors.js';
import { mostImportantGap } from '../judge/llm/adaptive-follow-up.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import type { Repos } from '../store/store.js';
import type { Claim, TurnRecord } from '../store/turns-repo.js';

/**
 * Store an answer to the adaptive follow-up of the newest graded answer of the session, to be graded
 * against the key point that follow-up probes: the grade's most important gap, the point the LLM judge
 * aims its follow-up at. Runs inside the accepting transaction (`repos` are bound to it), taking the
 * grading lease in the same commit; the session does not move on. Asked in a mock interview too: it is
 * part of the conversation, like the bank's follow-up.
 */
export async function acceptAdaptive(
  deps: { repos: Repos; newId: () => string },
  session: SessionRecord,
  answerText: string,
  arrived: Date,
  claim: Claim,
): Promise<TurnRecord> {
  const { repos, newId } = deps;
  const source = [...(await repos.turns.bySession(session.id))].reverse().find((t) => t.status === 'graded' && t.adaptiveOf === null);
  const question = source?.grade?.adaptiveFollowUp ?? null;
  const probed = source?.grade ? mostImportantGap(source.grade.keyPoints) : null;
  if (!source || !question || !probed) {
    throw new ConflictError('adaptive: the newest graded answer has no adaptive follow-up to answer (the LLM judge writes one when a key point is missed)');
  }
  const at = arrived.toISOString();
  // The follow-up was presented when the grade that carries it came back.
  const timeSpentMs = Math.max(0, arrived.getTime() - Date.parse(source.gradedAt ?? source.updatedAt));
  return repos.turns.insertPending(
    {
      id: newId(),
      sessionId: session.id,
      step: source.step,
      questionId: source.questionId,
      kind: source.kind,
      question,
      answer: answerText,
      retryOf: null,
      createdAt: at,
      timeSpentMs,
      overTime: session.status === 'active' && session.timeLimitSeconds !== null && timeSpentMs > session.timeLimitSeconds * 1000,
      adaptiveOf: source.id,
      probesKeyPoint: probed.id,
    },
    claim,
  );
}
