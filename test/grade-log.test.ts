import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGradeLog } from '../src/experiments/grade-log.js';
import type { GradeEventsRepo, NewGradeEvent } from '../src/store/grade-events-repo.js';

const row = (n: number): NewGradeEvent => ({
  at: `t${n}`, source: 'api', role: 'served', variant: 'A', judgeKind: 'embedded', model: 'm', promptName: null, promptVersion: 'v',
  sessionId: null, turnId: null, questionId: null, pairId: null, answerChars: 1, answerWords: 1, outcome: 'scored', reason: null,
  score: 3, rawScore: 3, inconsistent: null, promptTokens: null, completionTokens: null, latencyMs: 1, grade: null,
});

/** A grade log repo that records each multi-row INSERT (as the real one makes one statement per batch). */
function fakeRepo(fail = false) {
  const written: string[] = [];
  const batches: number[] = [];
  const events: Pick<GradeEventsRepo, 'insertMany'> = {
    async insertMany(rows) {
      if (fail) throw new Error('disk full');
      batches.push(rows.length);
      written.push(...rows.map((e) => e.at));
    },
  };
  return { events, written, batches };
}

/** Let the queued write's promise callbacks run. */
const settle = () => new Promise<void>((resolve) => queueMicrotask(() => setImmediate(resolve)));

afterEach(() => vi.useRealTimers());

describe('grade log writer', () => {
  it('writes a full batch at once, in one statement', async () => {
    const repo = fakeRepo();
    const log = createGradeLog({ ...repo, batchSize: 3 });
    log.push(row(1));
    log.push(row(2));
    await settle();
    expect(repo.written).toEqual([]);
    expect(log.pending).toBe(2);
    log.push(row(3));
    expect(log.pending).toBe(0);
    await log.flush();
    expect(repo.written).toEqual(['t1', 't2', 't3']);
    expect(repo.batches).toEqual([3]);
  });

  it('writes a partial batch after the delay, or when flushed', async () => {
    vi.useFakeTimers();
    const repo = fakeRepo();
    const log = createGradeLog({ ...repo, batchSize: 50, maxDelayMs: 250 });
    log.push(row(1));
    await vi.advanceTimersByTimeAsync(249);
    expect(repo.written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(repo.written).toEqual(['t1']);
    log.push(row(2));
    await log.flush();
    expect(repo.written).toEqual(['t1', 't2']);
    // Nothing left for the timer to write twice.
    await vi.advanceTimersByTimeAsync(1000);
    expect(repo.batches).toEqual([1, 1]);
  });

  it('reports a failed write instead of throwing it at the grade', async () => {
    const repo = fakeRepo(true);
    const errors: unknown[] = [];
    const log = createGradeLog({ ...repo, batchSize: 1, logError: (e) => errors.push(e) });
    expect(() => log.push(row(1))).not.toThrow();
    await log.flush();
    expect(errors.map(String)).toEqual(['Error: disk full']);
    expect(log.pending).toBe(0);
  });
});
