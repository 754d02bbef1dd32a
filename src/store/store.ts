import { Kysely, PostgresDialect, sql } from 'kysely';
import { ConfigError, DatabaseUnusableError } from '../errors.js';
import { assertWritable, type Db, openDatabase, serving, unusable } from './db.js';
import { createGradeEventsRepo, type GradeEventsRepo } from './grade-events-repo.js';
import { createLlmCallsRepo, type LlmCallsRepo } from './llm-calls-repo.js';
import { migrate, migratePostgres } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { createPool, type PoolOptions, unusablePostgres } from './postgres.js';
import { createPracticeRepo, type PracticeRepo } from './practice-repo.js';
import { createSessionsRepo, type SessionsRepo } from './sessions-repo.js';
import { CoachSqliteDialect } from './sqlite-dialect.js';
import type { Engine, Executor, Tables } from './tables.js';
import { createTurnsRepo, type TurnsRepo } from './turns-repo.js';

export interface StoreOptions {
  /** File path of the SQLite database, or `:memory:`. */
  path: string;
  /** How long a statement waits for another process's lock while serving. Default 0: no synchronous wait. */
  busyTimeoutMs?: number;
}

/** The repositories, over the store's pool or over one transaction. */
export interface Repos {
  readonly sessions: SessionsRepo;
  readonly turns: TurnsRepo;
  readonly llmCalls: LlmCallsRepo;
  /** Every served and shadow grade, for drift monitoring and the prompt A/B summary. */
  readonly gradeEvents: GradeEventsRepo;
  /** Practice profiles, hints and revealed model answers. */
  readonly practice: PracticeRepo;
}

/** The coach's persistent state: sessions, their turns, the audit log of LLM calls and the grade log. */
export interface Store extends Repos {
  /** Which engine: `sqlite` (one process per file) or `postgres` (any number of instances). */
  readonly kind: Engine;
  /** The query layer, for a query no repo has (tests, the load test's counts). */
  readonly db: Executor;
  /** Migration ids applied when this store was opened (empty when the schema was already current). */
  readonly appliedMigrations: number[];
  /** SQLite stores only: the connection below the query layer (pragmas, and tests that inspect the file). */
  readonly sqlite?: Db;
  /**
   * Run `fn` in one write transaction over the repos it is given: all of its writes commit together or none
   * do. SQLite: `BEGIN IMMEDIATE`, the write lock taken up front. PostgreSQL: READ COMMITTED, with the rows a
   * decision depends on locked by the repo (`sessions.getForUpdate`).
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /** Whether the database answers a trivial query now (PostgreSQL: within `timeoutMs`, default 2000; SQLite answers at once). */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Close the database; SQLite closes at once, PostgreSQL once its pool has ended. */
  close(): Promise<void>;
}

export function createRepos(db: Executor, engine: Engine): Repos {
  return {
    sessions: createSessionsRepo(db, engine),
    turns: createTurnsRepo(db, engine),
    llmCalls: createLlmCallsRepo(db),
    gradeEvents: createGradeEventsRepo(db),
    practice: createPracticeRepo(db),
  };
}

/** Whether the statement runs: false once the database is closed or unusable. */
function answers(statement: { get(): unknown }): boolean {
  try {
    statement.get();
    return true;
  } catch {
    return false;
  }
}

async function pingWithin(db: Executor, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref?.();
  });
  const query = sql`SELECT 1 AS one`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Open the SQLite database at `path`, apply pending migrations, check that it takes writes, and return the
 * store. Any problem with the file is a `DatabaseUnusableError` naming `DB_PATH`. The file is opened and
 * migrated synchronously; queries then go through the query layer and return promises, like PostgreSQL's.
 *
 * @example
 * const store = createStore({ path: ':memory:' });
 * await store.sessions.get('no-such-id'); // undefined
 */
export function createStore(options: StoreOptions): Store {
  const raw = openDatabase(options.path);
  let appliedMigrations: number[];
  try {
    appliedMigrations = migrate(raw, MIGRATIONS);
    assertWritable(raw);
  } catch (err) {
    raw.close();
    // A newer schema is already said plainly; it gets the path. SQLite's own errors get the one-line message.
    throw err instanceof ConfigError ? new DatabaseUnusableError(`DB_PATH ${options.path}: ${err.message}`, { cause: err }) : unusable(options.path, err);
  }
  serving(raw, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs });
  const db = new Kysely<Tables>({ dialect: new CoachSqliteDialect(raw) });
  const selectOne = raw.prepare('SELECT 1');
  return {
    kind: 'sqlite',
    db,
    sqlite: raw,
    ...createRepos(db, 'sqlite'),
    appliedMigrations,
    // IMMEDIATE takes the write lock up front, so two processes cannot both read a cursor and then advance it.
    // Kysely's own transaction says BEGIN (deferred), so the transaction is spelt out on the one connection,
    // which no other query gets until it is released (`CoachSqliteDialect`).
    transaction: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(createRepos(conn, 'sqlite'));
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (err) {
          if (raw.inTransaction) raw.exec('ROLLBACK');
          throw err;
        }
      }),
    // better-sqlite3 answers in this thread, so a ping is one prepared statement: no query layer, no timer to race.
    ping: () => Promise.resolve(answers(selectOne)),
    async close() {
      // Closed here and now (better-sqlite3 is synchronous), so a caller that does not await still closes it.
      if (raw.open) raw.close();
    },
  };
}

export interface PostgresStoreOptions extends PoolOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
}

/**
 * Connect to PostgreSQL, apply pending migrations under an advisory lock (instances starting together take
 * turns), and return the store. A server that cannot be reached or used stops the start with a
 * `DatabaseUnusableError` naming the database without its password.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = createPool(options.url, options);
  let appliedMigrations: number[];
  try {
    appliedMigrations = await migratePostgres(pool, MIGRATIONS);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err instanceof ConfigError ? new DatabaseUnusableError(`DATABASE_URL: ${err.message}`, { cause: err }) : unusablePostgres(options.url, err);
  }
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kind: 'postgres',
    db,
    ...createRepos(db, 'postgres'),
    appliedMigrations,
    transaction: (fn) => db.transaction().execute((trx) => fn(createRepos(trx, 'postgres'))),
    ping: (timeoutMs = 2000) => (closed ? Promise.resolve(false) : pingWithin(db, timeoutMs)),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
