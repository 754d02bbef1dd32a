import pLimit from 'p-limit';
import type { GradeFn } from '../src/grading/grade.js';
import type { Grade } from '../src/grading/grade-schema.js';
import type { LabelledItem } from './dataset.js';
import type { Progress } from './progress.js';

export interface GradedItem {
  item: LabelledItem;
  /** Null when `grade()` threw; `error` says why. */
  grade: Grade | null;
  error: string | null;
}

export interface GradeItemsOptions {
  grade: GradeFn;
  /** Items graded at once. */
  concurrency: number;
  progress?: Progress;
  /**
   * Called after each item; an error it returns stops the run (e.g. a replay cache miss, which a judge
   * would otherwise turn into an unscored item).
   */
  check?: () => Error | null;
}

/**
 * Grade every item through the production `grade()`, at most `concurrency` at a time. Results keep the
 * input order. A `grade()` that throws marks that item unscored instead of losing the run.
 */
export async function gradeItems(items: readonly LabelledItem[], options: GradeItemsOptions): Promise<GradedItem[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const controller = new AbortController();
  let fatal: Error | null = null;
  const results = await Promise.all(
    items.map((item) =>
      limit(async (): Promise<GradedItem | null> => {
        if (fatal) return null;
        let out: GradedItem;
        try {
          out = { item, grade: await options.grade(item.request, { signal: controller.signal }), error: null };
        } catch (err) {
          out = { item, grade: null, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
        }
        const stop = options.check?.() ?? null;
        if (stop && !fatal) {
          fatal = stop;
          controller.abort(stop);
        }
        options.progress?.tick();
        return out;
      }),
    ),
  );
  options.progress?.done();
  if (fatal) throw fatal;
  return results.filter((r): r is GradedItem => r !== null);
}
