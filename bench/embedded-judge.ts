import { createBankIndex } from '../src/bank/bank-index.js';
import { loadBank } from '../src/bank/load-bank.js';
import { createGrader } from '../src/grading/grade.js';
import type { GradeRequest } from '../src/grading/grade-schema.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';

/** Goal from the grading core: grades per second on one core. */
export const EMBEDDED_GOAL_PER_SECOND = 2000;

/**
 * Grades per second of the embedded judge through the full `grade()` on one thread (one core), over a mix
 * of answers: every reference answer of the bank and its follow-ups, a partial, a wrong and a long answer.
 */
export async function benchEmbeddedJudge(seconds = 3): Promise<{ grades: number; perSecond: number; ratio: number }> {
  const bank = createBankIndex(loadBank());
  const grade = createGrader({ bank, judge: createEmbeddedJudge() });
  const requests: GradeRequest[] = bank.bank.questions.flatMap((q) => [
    { questionId: q.id, answer: q.referenceAnswer },
    { questionId: `${q.id}.follow-up`, answer: q.followUp.referenceAnswer },
    { questionId: q.id, answer: q.seedAnswer },
    { questionId: q.id, answer: 'I am not sure, I think it is about deploying servers with Kubernetes and Docker.' },
    { questionId: q.id, answer: `${q.explanation} ${q.followUp.referenceAnswer} `.repeat(4) },
  ]);
  for (const r of requests) await grade(r); // warm the stem cache and the JIT

  let n = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (const r of requests) await grade(r);
    n += requests.length;
  }
  const perSecond = n / ((performance.now() - started) / 1000);
  return { grades: n, perSecond, ratio: perSecond / EMBEDDED_GOAL_PER_SECOND };
}

export async function main(): Promise<boolean> {
  const r = await benchEmbeddedJudge();
  console.log(
    `embedded judge: ${r.grades} grades, ${Math.round(r.perSecond)} grades/s on one core; ` +
      `ratio to goal ${EMBEDDED_GOAL_PER_SECOND}/s = ${r.ratio.toFixed(2)} (${r.ratio >= 1 ? 'met' : 'NOT met'})`,
  );
  return r.ratio >= 1;
}
