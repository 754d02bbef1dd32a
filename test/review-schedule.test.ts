import { describe, expect, it } from 'vitest';
import type { Grade } from '../src/grading/grade-schema.js';
import { BOX_INTERVAL_DAYS, dueItems, nextDueAt, reviewSchedule } from '../src/sessions/review-schedule.js';
import type { TurnRecord } from '../src/store/turns-repo.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const iso = (days: number) => new Date(T0 + days * DAY).toISOString();

let seq = 0;
/** A graded turn of `questionId` at day `day`: `missed` key points missing, the rest covered. */
function graded(questionId: string, day: number, score: number, missed: number): TurnRecord {
  seq++;
  const keyPoints = [0, 1, 2].map((i) => ({ id: `kp-${i}`, statement: `Point ${i}.`, weight: 1, verdict: i < missed ? ('missing' as const) : ('covered' as const), evidence: null }));
  const grade = { score, keyPoints } as unknown as Grade;
  return {
    id: `t${seq}`, sessionId: 's', seq, step: 0, questionId, kind: 'main', question: 'Q?', answer: 'A.', attempt: 1, retryOf: null,
    status: 'graded', grade, failure: null, gradingRuns: 1, createdAt: iso(day), updatedAt: iso(day), gradedAt: iso(day),
    timeSpentMs: null, overTime: false, hintUsed: false, adaptiveOf: null, probesKeyPoint: null, modelAnswerViewed: false,
  };
}

describe('the Leitner review schedule (fixed clock)', () => {
  it('leaves out questions never missed', () => {
    expect(reviewSchedule([graded('a', 0, 5, 0), graded('a', 1, 4.5, 0)])).toEqual([]);
  });

  it('puts a first miss in box 1, due a day later; a pass moves up one box and doubles the interval', () => {
    const turns = [graded('a', 0, 2, 2)];
    expect(reviewSchedule(turns)).toEqual([expect.objectContaining({ questionId: 'a', box: 1, dueAt: iso(BOX_INTERVAL_DAYS[1]) })]);
    expect(dueItems(reviewSchedule(turns), new Date(T0 + DAY - 1))).toEqual([]);
    expect(dueItems(reviewSchedule(turns), new Date(T0 + DAY)).map((i) => i.questionId)).toEqual(['a']);
    expect(nextDueAt(reviewSchedule(turns), new Date(T0))).toBe(iso(1));

    turns.push(graded('a', 1, 4.2, 0));
    expect(reviewSchedule(turns)[0]).toMatchObject({ box: 2, dueAt: iso(1 + 2) });
    turns.push(graded('a', 3, 4.8, 0));
    expect(reviewSchedule(turns)[0]).toMatchObject({ box: 3, dueAt: iso(3 + 4) });
  });

  it('sends a failed answer back to box 1, and a score of 4 that still misses a point does not pass', () => {
    const turns = [graded('a', 0, 2, 2), graded('a', 1, 4.5, 0), graded('a', 3, 4, 1)];
    expect(reviewSchedule(turns)[0]).toMatchObject({ box: 1, dueAt: iso(4) });
    turns.push(graded('a', 4, 3.9, 0));
    expect(reviewSchedule(turns)[0]).toMatchObject({ box: 1, dueAt: iso(5) });
  });

  it('retires a question passed out of the last box, and a later miss brings it back', () => {
    const turns = [graded('a', 0, 1, 3), graded('a', 1, 5, 0), graded('a', 3, 5, 0), graded('a', 7, 5, 0), graded('a', 15, 5, 0)];
    expect(reviewSchedule(turns)[0]).toMatchObject({ box: 5, dueAt: iso(15 + 16) });
    turns.push(graded('a', 31, 5, 0));
    expect(reviewSchedule(turns)[0]).toMatchObject({ box: 5, dueAt: null });
    expect(nextDueAt(reviewSchedule(turns), new Date(T0 + 40 * DAY))).toBeNull();
    turns.push(graded('a', 60, 2, 1));
    expect(reviewSchedule(turns)[0]).toMatchObject({ box: 1, dueAt: iso(61) });
  });

  it('orders due questions most overdue first, then the lower box', () => {
    const turns = [graded('b', 0, 2, 1), graded('a', 2, 2, 1), graded('c', 0, 2, 1), graded('c', 1, 5, 0)];
    // b due day 1 (box 1), c due day 3 (box 2), a due day 3 (box 1).
    expect(dueItems(reviewSchedule(turns), new Date(T0 + 10 * DAY)).map((i) => i.questionId)).toEqual(['b', 'a', 'c']);
  });
});
