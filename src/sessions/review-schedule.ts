import type { TurnRecord } from '../store/turns-repo.js';

/**
 * Spaced review as Leitner boxes, one per gradable question (a main question or a follow-up).
 *
 * The rule: a question enters the schedule the first time a graded answer to it misses a key point
 * (verdict `missing` or `partial`). Every graded answer to it from then on, in the order they were graded,
 * moves it: a **pass** (score at least `PASS_SCORE` and no key point missing) moves it up one box, anything
 * else sends it back to box 1. It is due `BOX_INTERVAL_DAYS[box]` days after that grade. A pass out of the
 * last box retires it (no longer due). Adaptive follow-up answers do not move it: they probe one point, not
 * the question.
 */
export const BOX_INTERVAL_DAYS = [0, 1, 2, 4, 8, 16] as const;
export const LAST_BOX = 5;
export const PASS_SCORE = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ScheduleItem {
  /** Gradable id: `data-drift` or `data-drift.follow-up`. */
  questionId: string;
  box: number;
  /** ISO time it is due, or null once retired. */
  dueAt: string | null;
  lastScore: number;
  lastGradedAt: string;
}

const passes = (t: TurnRecord) =>
  typeof t.grade?.score === 'number' && t.grade.score >= PASS_SCORE && !t.grade.keyPoints.some((k) => k.verdict === 'missing');
const misses = (t: TurnRecord) => t.grade?.keyPoints.some((k) => k.verdict !== 'covered') ?? false;

/** The schedule after replaying a candidate's graded answers; questions never missed are not in it. */
export function reviewSchedule(turns: readonly TurnRecord[]): ScheduleItem[] {
  const graded = turns
    .filter((t) => t.status === 'graded' && t.adaptiveOf === null && typeof t.grade?.score === 'number' && t.gradedAt)
    .sort((a, b) => (a.gradedAt ?? '').localeCompare(b.gradedAt ?? '') || a.seq - b.seq);
  const items = new Map<string, ScheduleItem>();
  for (const t of graded) {
    const at = t.gradedAt ?? t.createdAt;
    const score = t.grade?.score ?? 0;
    const item = items.get(t.questionId);
    if (!item && !misses(t)) continue;
    const before = item?.box ?? 0;
    const retired = item !== undefined && item.dueAt === null;
    // A question's first miss puts it in box 1, like any failed answer.
    const pass = item !== undefined && passes(t);
    const box = pass ? Math.min(before + 1, LAST_BOX) : 1;
    const retire = pass && (before === LAST_BOX || retired);
    const days = BOX_INTERVAL_DAYS[box] ?? BOX_INTERVAL_DAYS[LAST_BOX];
    items.set(t.questionId, {
      questionId: t.questionId,
      box,
      dueAt: retire ? null : new Date(Date.parse(at) + days * DAY_MS).toISOString(),
      lastScore: score,
      lastGradedAt: at,
    });
  }
  return [...items.values()];
}

/** Items due at `now`, most overdue first, then the lower box (the weaker), then by id for a stable order. */
export function dueItems(schedule: readonly ScheduleItem[], now: Date): ScheduleItem[] {
  const t = now.toISOString();
  return schedule
    .filter((i) => i.dueAt !== null && i.dueAt <= t)
    .sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? '') || a.box - b.box || a.questionId.localeCompare(b.questionId));
}

/** When the next item falls due after `now`, or null when nothing is scheduled. */
export function nextDueAt(schedule: readonly ScheduleItem[], now: Date): string | null {
  const t = now.toISOString();
  const future = schedule.flatMap((i) => (i.dueAt !== null && i.dueAt > t ? [i.dueAt] : [])).sort();
  return future[0] ?? null;
}
