import { createBankIndex } from '../../src/bank/bank-index.js';
import { loadBank } from '../../src/bank/load-bank.js';
import { createGrader } from '../../src/grading/grade.js';
import type { ChatCompleter } from '../../src/judge/chat.js';
import { loadJudgePrompts } from '../../src/judge/llm/judge-prompts.js';
import { createLlmJudge } from '../../src/judge/llm/llm-judge.js';
import { createLlmLimiter } from '../../src/judge/llm/llm-limiter.js';
import { type FakeJudgeOptions, fakeFollowUp, fakeVerdict } from './fake-judge.js';

/** One answer graded by a fair judge and by a position-biased one. */
export interface BiasSample {
  id: string;
  answer: 'reference' | 'first-sentence' | 'other-question';
  /** The fair judge's score (the same in both orders). */
  fair: number;
  /** The biased judge's score with the reference answer shown first, and shown last. */
  referenceFirst: number;
  referenceLast: number;
  /** The biased judge's swapped mean: what the coach reports. */
  swapped: number;
  inconsistent: boolean;
}

export interface BiasSummary {
  samples: number;
  /** Mean absolute error against the fair score: each single order, and the swapped mean. */
  maeReferenceFirst: number;
  maeReferenceLast: number;
  maeSwapped: number;
  /** Samples whose swapped mean equals the fair score exactly. */
  exact: number;
  inconsistent: number;
}

function fakeCompleter(options: FakeJudgeOptions): ChatCompleter {
  return {
    async complete(request) {
      const value = fakeVerdict(request.messages, options) ?? fakeFollowUp(request.messages);
      return { content: JSON.stringify(value), refusal: null, finishReason: 'stop', usage: null, model: 'fake-judge' };
    },
  };
}

/**
 * Grade answers to every question of the bank (its reference answer, the first sentence of it, and the
 * reference answer of another question) through the real LLM judge, once with a fair fake model and
 * once with a position-biased one, and compare.
 */
export async function simulatePositionBias(options: FakeJudgeOptions): Promise<{ samples: BiasSample[]; summary: BiasSummary }> {
  const bank = createBankIndex(loadBank());
  const prompts = loadJudgePrompts();
  const limiter = createLlmLimiter(8);
  const grader = (o: FakeJudgeOptions) =>
    createGrader({ bank, judge: createLlmJudge({ completer: fakeCompleter(o), model: 'fake-judge', prompts, limiter }) });
  const fair = grader({});
  const biased = grader(options);

  const ids = bank.bank.questions.flatMap((q) => [q.id, `${q.id}.follow-up`]);
  const answers = ids.flatMap((id, i) => {
    const g = bank.gradable(id);
    const other = bank.gradable(ids[(i + 2) % ids.length] ?? id);
    if (!g || !other) return [];
    const firstSentence = g.referenceAnswer.split(/(?<=[.!?])\s+/)[0] ?? g.referenceAnswer;
    return [
      { id, answer: 'reference' as const, text: g.referenceAnswer },
      { id, answer: 'first-sentence' as const, text: firstSentence },
      { id, answer: 'other-question' as const, text: other.referenceAnswer },
    ];
  });

  const samples = await Promise.all(
    answers.map(async (a): Promise<BiasSample> => {
      const [f, b] = await Promise.all([fair({ questionId: a.id, answer: a.text }), biased({ questionId: a.id, answer: a.text })]);
      return {
        id: a.id,
        answer: a.answer,
        fair: f.rawScore ?? Number.NaN,
        referenceFirst: b.consistency?.referenceFirst ?? Number.NaN,
        referenceLast: b.consistency?.referenceLast ?? Number.NaN,
        swapped: b.rawScore ?? Number.NaN,
        inconsistent: b.consistency?.inconsistent ?? false,
      };
    }),
  );
  const mae = (pick: (s: BiasSample) => number) => round(samples.reduce((a, s) => a + Math.abs(pick(s) - s.fair), 0) / samples.length);
  return {
    samples,
    summary: {
      samples: samples.length,
      maeReferenceFirst: mae((s) => s.referenceFirst),
      maeReferenceLast: mae((s) => s.referenceLast),
      maeSwapped: mae((s) => s.swapped),
      exact: samples.filter((s) => s.swapped === s.fair).length,
      inconsistent: samples.filter((s) => s.inconsistent).length,
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
