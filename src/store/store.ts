import { ConfigError, DatabaseUnusableError } from '../errors.js';
import { assertWritable, type Db, openDatabase, serving, unusable } from './db.js';
import { createGradeEventsRepo, type GradeEventsRepo } from './grade-events-repo.js';
import { createLlmCallsRepo, type LlmCallsRepo } from './llm-calls-repo.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { createPracticeRepo, type PracticeRepo } from './practice-repo.js';
import { createSessionsRepo, type SessionsRepo } from './sessions-repo.js';
import { createTurnsRepo, type TurnsRepo } from './turns-repo.js';

export interface StoreOptions {
  /** File path of the SQLite database, or `:memory:`. */
  path: string;
  /** How long a statement waits for another process's lock while serving. Default 0: no synchronous wait. */
  busyTimeoutMs?: number;
}

/** The coach's persistent state: sessions, their turns and the audit log of LLM calls. */
export interface Store {
  readonly db: Db;
  readonly sessions: SessionsRepo;
  readonly turns: TurnsRepo;
  readonly llmCalls: LlmCallsRepo;
  /** Every served and shadow grade, for drift monitoring and the prompt A/B summary. */
  readonly gradeEvents: GradeEventsRepo;
  /** Practice profiles, hints and revealed model answers (asynchronous). */
  readonly practice: PracticeRepo;
  /** Migration ids applied when this store was opened (empty when the schema was already current). */
  readonly appliedMigrations: number[];
  /** Run `fn` in one write transaction: all of its writes commit together or none do. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/**
 * Open the database at `path`, apply pending migrations, check that it takes writes, and return the
 * repositories. Any problem with the file is a `DatabaseUnusableError` naming `DB_PATH`. Synchronous: every
 * write has committed to disk when the call that made it returns.
 *
 * @example
 * const store = createStore({ path: ':memory:' });
 * store.sessions.get('no-such-id'); // undefined
 */
export function createStore(options: StoreOptions): Store {
  const db = openDatabase(options.path);
  let appliedMigrations: number[];
  try {
    appliedMigrations = migrate(db, MIGRATIONS);
    assertWritable(db);
  } catch (err) {
    db.close();
    // A newer schema is already said plainly; it gets the path. SQLite's own errors get the one-line message.
    throw err instanceof ConfigError ? new DatabaseUnusableError(`DB_PATH ${options.path}: ${err.message}`, { cause: err }) : unusable(options.path, err);
  }
  serving(db, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs });
  return {
    db,
    sessions: createSessionsRepo(db),
    turns: createTurnsRepo(db),
    llmCalls: createLlmCallsRepo(db),
    gradeEvents: createGradeEventsRepo(db),
    practice: createPracticeRepo(db),
    appliedMigrations,
    // IMMEDIATE takes the write lock up front, so two processes cannot both read a cursor and then advance it.
    transaction: (fn) => db.transaction(fn).immediate(),
    close() {
      if (db.open) db.close();
    },
  };
}
