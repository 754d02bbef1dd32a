import { mean } from '../numbers.js';
import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
import { levelOf, roundScore } from '../grading/levels.js';
import type { TurnRecord } from '../store/turns-repo.js';
import type { AreaSummary, MissedKeyPoint, QuestionRow, SessionSummary } from './view-schemas.js';

/** An area whose mean is at least this (and with no answer at `WEAK_ANSWER_SCORE` or below) reads as strong. */
export const STRONG_AREA_MEAN = 3.5;
/** An area whose mean is below this is weak. */
export const WEAK_AREA_MEAN = 3;
/** An area with one counted answer at or below this is weak, whatever its mean. */
export const WEAK_ANSWER_SCORE = 2;
const MISSED_SHOWN = 5;

type Scored = TurnRecord & { score: number };

/**
 * Sum up a session from its turns. Each step counts once, by its newest graded attempt, so a retry replaces
 * the earlier score, and the missed key points are those of that attempt only (a point a retry then made
 * is not "missed"). An ungraded answer is listed, never counted as a low score. Answers to an adaptive
 * follow-up get their own row in `questions` but stay out of the means: they probe one point.
 */
export function summarize(bank: BankIndex, turns: readonly TurnRecord[]): SessionSummary {
  const planned = turns.filter((t) => t.adaptiveOf === null);
  const byStep = new Map<number, TurnRecord[]>();
  for (const t of planned) byStep.set(t.step, [...(byStep.get(t.step) ?? []), t]);
  const newestGraded = new Map<number, Scored>();
  for (const [step, attempts] of byStep) {
    const g = attempts.filter((t) => t.status === 'graded' && typeof t.grade?.score === 'number').at(-1);
    if (g && typeof g.grade?.score === 'number') newestGraded.set(step, { ...g, score: g.grade.score });
  }
  const counted = [...newestGraded.values()];
  const ungraded = [...byStep.values()]
    .map((attempts) => attempts.at(-1))
    .filter((t): t is TurnRecord => t !== undefined && t.status !== 'graded')
    .map((t) => ({ turnId: t.id, questionId: t.questionId, status: t.status }));

  const scoresByArea = new Map<string, number[]>();
  for (const t of counted) {
    const area = bank.gradable(t.questionId)?.area ?? 'unknown';
    scoresByArea.set(area, [...(scoresByArea.get(area) ?? []), t.score]);
  }
  const weakArea = new Set<string>();
  const byArea: AreaSummary[] = [...scoresByArea].flatMap(([area, scores]) => {
    const average = mean(scores);
    if (average === null) return [];
    const m = roundScore(average);
    if (m < WEAK_AREA_MEAN || scores.some((s) => s <= WEAK_ANSWER_SCORE)) weakArea.add(area);
    return [{ area, label: areaLabel(area), graded: scores.length, meanScore: m, level: levelOf(m).label }];
  });

  const missed = new Map<string, MissedKeyPoint & { weight: number }>();
  for (const t of counted) {
    for (const kp of t.grade?.keyPoints ?? []) {
      if (kp.verdict === 'covered') continue;
      const key = `${t.questionId}#${kp.id}`;
      const entry = missed.get(key) ?? { questionId: t.questionId, question: t.question, keyPointId: kp.id, statement: kp.statement, missed: 0, partial: 0, weight: kp.weight };
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
    questions: questionRows(turns),
    graded: counted.length,
    ungraded,
    retries: planned.filter((t) => t.attempt > 1).length,
    meanScore: overall,
    level: overall === null ? null : levelOf(overall).label,
    byArea,
    strongAreas: byArea.filter((a) => a.meanScore >= STRONG_AREA_MEAN && !weakArea.has(a.area)).map((a) => a.label),
    weakAreas: byArea.filter((a) => weakArea.has(a.area)).map((a) => a.label),
    missedKeyPoints,
  };
}

/** One row per step and one per adaptive answer, in the order first answered. */
function questionRows(all: readonly TurnRecord[]): QuestionRow[] {
  const groups = new Map<string, TurnRecord[]>();
  for (const t of all) {
    const key = t.adaptiveOf === null ? `step:${t.step}` : `adaptive:${t.id}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }

  return [...groups.values()].flatMap((attempts) => {
    const first = attempts[0];
    const newest = attempts.at(-1);
    if (!first || !newest) return [];
    const graded = attempts.filter((t) => t.status === 'graded' && typeof t.grade?.score === 'number').at(-1);
    return [
      {
        questionId: first.questionId,
        question: first.question,
        kind: first.adaptiveOf === null ? first.kind : ('adaptive' as const),
        score: graded?.grade?.score ?? null,
        attempts: attempts.length,
        hintUsed: attempts.some((t) => t.hintUsed),
        modelAnswerViewedBeforeRetry: attempts.slice(0, -1).some((t) => t.modelAnswerViewed),
        timeSpentMs: newest.timeSpentMs,
        overTime: attempts.some((t) => t.overTime),
      },
    ];
  });
}
