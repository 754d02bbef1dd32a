import type { BankIndex } from '../src/bank/bank-index.js';
import { resolveTask } from '../src/grading/grade.js';
import { analyse, type PrepareOptions, type PreparedQuestion, prepareQuestion } from '../src/judge/embedded/embedded-judge.js';
import type { LabelledItem } from './dataset.js';

/** What the embedded judge reads off one labelled answer, before any weights: its features and caps. */
export interface AnalysedItem {
  id: string;
  group: string;
  /** Human score on 1..5. */
  human: number;
  values: Record<string, number>;
  nonAnswer: boolean;
  cap: number | null;
  flags: string[];
  /** Weight of the item in a fit (its dataset's `itemWeight`). */
  weight: number;
}

/**
 * Features of every item through the embedded judge's own code (the same `analyse()` that `grade()` runs),
 * so the harness can refit the weights in every cross-validation fold. Options switch single ingredients
 * off, to measure what each adds.
 */
export function analyseItems(items: readonly LabelledItem[], bank: BankIndex, weight = 1, options: PrepareOptions = {}): AnalysedItem[] {
  const cache = new Map<string, PreparedQuestion>();
  return items.map((item) => {
    const task = resolveTask(item.request, bank);
    const key = `${task.questionId ?? ''}\u0000${task.question}\u0000${task.referenceAnswer}`;
    let q = cache.get(key);
    if (!q) cache.set(key, (q = prepareQuestion(task, options)));
    const a = analyse(q, task.answer, options.deps);
    return {
      id: item.id,
      group: item.group,
      human: item.human,
      values: a.features.values,
      nonAnswer: a.features.nonAnswer,
      cap: a.scoreCap,
      flags: a.flags,
      weight,
    };
  });
}
