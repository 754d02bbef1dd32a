import type { GradeEventsRepo, NewGradeEvent } from '../store/grade-events-repo.js';

export interface GradeLogOptions {
  events: Pick<GradeEventsRepo, 'insert'>;
  /** Runs `fn` in one write transaction (the store's). */
  transaction: <T>(fn: () => T) => T;
  /** Write as soon as this many rows wait. Default 100. */
  batchSize?: number;
  /** Write rows that waited this long, in milliseconds. Default 250. */
  maxDelayMs?: number;
  logError?: (err: unknown) => void;
}

export interface GradeLog {
  /** Queue one row; it is written within `maxDelayMs`, or sooner when the batch fills. */
  push(event: NewGradeEvent): void;
  /** Write every queued row now (before a reading, and at shutdown). */
  flush(): void;
  /** Rows queued and not yet written. */
  readonly pending: number;
}

/**
 * The grade log's writer. The database commits with `synchronous=FULL`, one disk sync per transaction, so
 * one INSERT per grade would cost the embedded judge most of its throughput; rows are written in batches
 * instead, in one transaction each. A crash loses at most `maxDelayMs` of monitoring rows, never an answer
 * or a grade (those are in `turns`). Readers call `flush()` first, so readings include every grade made.
 *
 * @example
 * const log = createGradeLog({ events: store.gradeEvents, transaction: store.transaction });
 * log.push(row); log.flush();
 */
export function createGradeLog(options: GradeLogOptions): GradeLog {
  const batchSize = options.batchSize ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 250;
  const logError = options.logError ?? ((err: unknown) => console.error(err));
  let queue: NewGradeEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0) return;
    const rows = queue;
    queue = [];
    try {
      options.transaction(() => {
        for (const row of rows) options.events.insert(row);
      });
    } catch (err) {
      // Monitoring rows lost to a write error are reported, and never cost a client its grade.
      logError(err);
    }
  }

  return {
    push(event) {
      queue.push(event);
      if (queue.length >= batchSize) return flush();
      if (!timer) {
        timer = setTimeout(flush, maxDelayMs);
        // A pending write must not keep the process alive on its own.
        timer.unref?.();
      }
    },
    flush,
    get pending() {
      return queue.length;
    },
  };
}
