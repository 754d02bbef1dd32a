import type { Verdict } from '../../src/grading/grade-schema.js';
import type { JudgeReply } from '../../src/judge/llm/judge-reply.js';

/** A data-drift answer that makes the first three key points, with sentences the verdicts can quote. */
export const ANSWER =
  'Data drift is when production inputs move away from the training data. ' +
  'It hurts accuracy because the model sees inputs unlike the ones it learned from. ' +
  'We compare feature distributions against a training baseline with PSI.';

export const QUOTES = {
  'core-definition': 'Data drift is when production inputs move away from the training data.',
  'performance-impact': 'It hurts accuracy because the model sees inputs unlike the ones it learned from.',
  detection: 'We compare feature distributions against a training baseline with PSI.',
  response: null,
} as const;

export type PointId = keyof typeof QUOTES;
export const IDS = Object.keys(QUOTES) as PointId[];

/**
 * A judge reply for data-drift. By default: the first three points covered with their real quotes, the
 * response point missing, score 4.
 */
export function verdict(
  over: Partial<Omit<JudgeReply, 'keyPoints'>> & { points?: Partial<Record<PointId, [Verdict, string | null]>> } = {},
): JudgeReply {
  const { points = {}, ...rest } = over;
  return {
    reasoning: 'Covers the definition, the impact and detection; says nothing about the response.',
    keyPoints: IDS.map((id) => {
      const [v, quote] = points[id] ?? (QUOTES[id] ? ['covered', QUOTES[id]] : ['missing', null]);
      return { id, quote, verdict: v };
    }),
    mistakes: [],
    manipulationAttempt: false,
    followUp: { keyPointId: 'response', question: 'What would you do once you have detected significant drift?' },
    score: 4,
    ...rest,
  };
}
