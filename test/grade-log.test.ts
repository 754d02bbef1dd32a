import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGradeLog } from '../src/experiments/grade-log.js';
import type { GradeEventsRepo, NewGradeEvent } from '../src/store/grade-events-repo.js';

const row = (n: number): NewGradeEvent => ({
  at: `t${n}`, source: 'api', role: 'served', variant: 'A', judgeKind: 'embedded', model: 'm', promptName: null, promptVersion: 'v',
  sessionId: null, turnId: null, questionId: null, pairId: null, answerChars: 1, answerWords: 1, outcome: 'scored', reason: null,
  score: 3, rawScore: 3, inconsistent: null, promptTokens: null, completionTokens: null, latencyMs: 1, grade: null,
});

function fakeRepo(fail = false) {
  const written: string[] = [];
  const transactions: number[] = [];
  const events: Pick<GradeEventsRepo, 'insert'> = {
    insert(e) {
      if (fail) throw new Error('disk full');
      return written.push(e.at);
    },
  };
  const transaction = <T>(fn: () => T): T => {
    const before = written.length;
    const out = fn();
    transactions.push(written.length - before);
    return out;
  };
  return { events, transaction, written, transactions };
}

afterEach(() => vi.useRealTimers());

describe('grade log writer', () => {
  it('writes a full batch at once, in one transaction', () => {
    const repo = fakeRepo();
    const log = createGradeLog({ ...repo, batchSize: 3 });
    log.push(row(1));
    log.push(row(2));
    expect(repo.written).toEqual([]);
    expect(log.pending).toBe(2);
    log.push(row(3));
    expect(repo.written).toEqual(['t1', 't2', 't3']);
    expect(repo.transactions).toEqual([3]);
    expect(log.pending).toBe(0);
  });

  it('writes a partial batch after the delay, or when flushed', () => {
    vi.useFakeTimers();
    const repo = fakeRepo();
    const log = createGradeLog({ ...repo, batchSize: 50, maxDelayMs: 250 });
    log.push(row(1));
    vi.advanceTimersByTime(249);
    expect(repo.written).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(repo.written).toEqual(['t1']);
    log.push(row(2));
    log.flush();
    expect(repo.written).toEqual(['t1', 't2']);
    // Nothing left for the timer to write twice.
    vi.advanceTimersByTime(1000);
    expect(repo.transactions).toEqual([1, 1]);
  });

  it('reports a failed write instead of throwing it at the grade', () => {
    const repo = fakeRepo(true);
    const errors: unknown[] = [];
    const log = createGradeLog({ ...repo, batchSize: 1, logError: (e) => errors.push(e) });
    expect(() => log.push(row(1))).not.toThrow();
    expect(errors.map(String)).toEqual(['Error: disk full']);
    expect(log.pending).toBe(0);
  });
});
