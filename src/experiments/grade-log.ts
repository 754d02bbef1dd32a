import type { GradeEventsRepo, NewGradeEvent } from '../store/grade-events-repo.js';

export interface GradeLogOptions {
  events: Pick<GradeEventsRepo, 'insertMany'>;
  /** Write as soon as this many rows wait. Default 100. */
  batchSize?: number;
  /** Write rows that waited this long, in milliseconds. Default 250. */
  maxDelayMs?: number;
  logError?: (err: unknown) => void;
}

export interface GradeLog {
  /** Queue one row; it is written within `maxDelayMs`, or sooner when the batch fills. */
  push(event: NewGradeEvent): void;
  /** Write every queued row now (before a reading, and at shutdown); resolves once they are written. */
  flush(): Promise<void>;
  /** Rows queued and not yet written. */
  readonly pending: number;
}

/**
 * The grade log's writer. Every commit costs a disk sync (SQLite's `synchronous=FULL`,
 * PostgreSQL's WAL flush), so one INSERT per grade would cost the embedded judge most of its throughput;
 * rows are written in batches instead, one multi-row INSERT each. A crash loses at most `maxDelayMs` of monitoring rows, never an answer
 * or a grade (those are in `turns`). Readers call `flush()` first, so readings include every grade made.
 *
 * @example
 * const log = createGradeLog({ events: store.gradeEvents });
 * log.push(row); await log.flush();
 */
export function createGradeLog(options: GradeLogOptions): GradeLog {
  const batchSize = options.batchSize ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 250;
  const logError = options.logError ?? ((err: unknown) => console.error(err));
  let queue: NewGradeEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  // Writes in order: a flush waits for the one before it, so a reading after flush() sees every row.
  let writing: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0) return writing;
    const rows = queue;
    queue = [];
    writing = writing.then(() =>
      options.events.insertMany(rows).catch((err: unknown) => {
        // Monitoring rows lost to a write error are reported, and never cost a client its grade.
        logError(err);
      }),
    );
    return writing;
  }

  return {
    push(event) {
      queue.push(event);
      if (queue.length >= batchSize) {
        void flush();
        return;
      }
      if (!timer) {
        timer = setTimeout(() => void flush(), maxDelayMs);
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
