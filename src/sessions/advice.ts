import type { Grade } from '../grading/grade-schema.js';
import { LevelLabel } from '../grading/grade-schema.js';
import type { Advice } from './view-schemas.js';

/**
 * What a candidate can add to reach the next level: one line per key point the answer missed or made only
 * in part, heaviest first. The next level is one above the answer's level (at most 5).
 *
 * @example adviceFor(grade)[0]?.text // 'To reach strong: cover this point: Drift can degrade model performance ...'
 */
export function adviceFor(grade: Grade | null): Advice[] {
  if (!grade?.level) return [];
  const nextLevel = Math.max(2, Math.min(5, grade.level.value + 1));
  const label = LevelLabel.options[nextLevel - 1] ?? 'excellent';
  return grade.keyPoints
    .filter((k) => k.verdict !== 'covered')
    .sort((a, b) => (a.verdict === b.verdict ? b.weight - a.weight : a.verdict === 'missing' ? -1 : 1))
    .map((k) => ({
      keyPointId: k.id,
      status: k.verdict === 'missing' ? ('missed' as const) : ('partial' as const),
      nextLevel,
      text:
        k.verdict === 'missing'
          ? `To reach ${label}: cover this point: ${k.statement}`
          : `To reach ${label}: make this point fully, not only in passing: ${k.statement}`,
    }));
}
