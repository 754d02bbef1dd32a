import { mean } from '../numbers.js';
import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
import type { LevelLabel } from '../grading/grade-schema.js';
import { levelOf, roundScore } from '../grading/levels.js';
import type { TurnRecord } from '../store/turns-repo.js';
import type { AreaSummary, MissedKeyPoint, SessionSummary } from './view-schemas.js';

/** An area whose mean is at least this reads as strong (level 4 or more). */
export const STRONG_AREA_MEAN = 3.5;
/** An area whose mean is below this is weak: it reads as level 2 or less, the same rounding as a score's level. */
export const WEAK_AREA_MEAN = 2.5;
const MISSED_SHOWN = 5;

/**
 * Sum up a session from its turns. Each step counts once, by its newest graded attempt, so a retry replaces
 * the earlier score. An ungraded answer is listed, never counted as a low score. Missed key points are
 * counted over every graded attempt, so a point missed twice ranks above one missed once.
 */
export function summarize(bank: BankIndex, turns: readonly TurnRecord[]): SessionSummary {
  const newestByStep = new Map<number, TurnRecord>();
  const newestGradedByStep = new Map<number, TurnRecord & { score: number }>();
  for (const t of turns) {
    newestByStep.set(t.step, t);
    const score = t.grade?.score;
    if (t.status === 'graded' && typeof score === 'number') newestGradedByStep.set(t.step, { ...t, score });
  }
  const counted = [...newestGradedByStep.values()];
  const ungraded = [...newestByStep.values()]
    .filter((t) => t.status !== 'graded')
    .map((t) => ({ turnId: t.id, questionId: t.questionId, status: t.status }));

  const scoresByArea = new Map<string, number[]>();
  for (const t of counted) {
    const area = bank.gradable(t.questionId)?.area ?? 'unknown';
    scoresByArea.set(area, [...(scoresByArea.get(area) ?? []), t.score]);
  }
  const byArea: AreaSummary[] = [...scoresByArea].flatMap(([area, scores]) => {
    const average = mean(scores);
    if (average === null) return [];
    const m = roundScore(average);
    return [{ area, label: areaLabel(area), graded: scores.length, meanScore: m, level: levelOf(m).label }];
  });

  const missed = new Map<string, MissedKeyPoint & { weight: number }>();
  for (const t of turns) {
    if (t.status !== 'graded' || !t.grade) continue;
    for (const kp of t.grade.keyPoints) {
      if (kp.verdict === 'covered') continue;
      const key = `${t.questionId}#${kp.id}`;
      const entry = missed.get(key) ?? {
        questionId: t.questionId,
        question: t.question,
        keyPointId: kp.id,
        statement: kp.statement,
        missed: 0,
        partial: 0,
        weight: kp.weight,
      };
      if (kp.verdict === 'missing') entry.missed++;
      else entry.partial++;
      missed.set(key, entry);
    }
  }
  const missedKeyPoints = [...missed.values()]
    .sort((a, b) => b.missed - a.missed || b.partial - a.partial || b.weight - a.weight)
    .slice(0, MISSED_SHOWN)
    .map(({ weight: _weight, ...rest }) => rest);

  const average = mean(counted.map((t) => t.score));
  const overall = average === null ? null : roundScore(average);
  return {
    graded: counted.length,
    ungraded,
    retries: turns.filter((t) => t.attempt > 1).length,
    meanScore: overall,
    level: overall === null ? null : levelOf(overall).label,
    byArea,
    strongAreas: byArea.filter((a) => a.meanScore >= STRONG_AREA_MEAN).map((a) => a.label),
    weakAreas: byArea.filter((a) => a.meanScore < WEAK_AREA_MEAN).map((a) => a.label),
    missedKeyPoints,
  };
}
