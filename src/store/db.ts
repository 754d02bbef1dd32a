import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DatabaseUnusableError } from '../errors.js';
import { databaseBusy } from './db-errors.js';

/** Where the coach keeps its database when `DB_PATH` is not set: `var/coach.db` in the project (git-ignored). */
export const DEFAULT_DB_PATH = fileURLToPath(new URL('../../var/coach.db', import.meta.url));

/** The SQLite connection itself (better-sqlite3), below the query layer: pragmas, migrations, tests. */
export type Db = Database.Database;

/**
 * Longest a statement waits for a lock another process holds, while serving. better-sqlite3 waits
 * synchronously, so this is also how long one locked write stalls every other request: by default it
 * does not wait at all, and the writes that should outlast a brief lock retry with awaited pauses
 * (`retryWhileBusy`) instead.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 0;
/** The wait at start-up, when nothing is being served yet and a brief lock (a backup) should not stop the start. */
export const STARTUP_BUSY_TIMEOUT_MS = 2000;

export interface OpenOptions {
  /** Busy wait while serving. Default `DEFAULT_BUSY_TIMEOUT_MS`. */
  busyTimeoutMs?: number;
}

export { databaseBusy } from './db-errors.js';

/** A start-up failure as one line that names `DB_PATH` and says what to do. */
export function unusable(path: string, err: unknown): DatabaseUnusableError {
  const code = err instanceof Database.SqliteError ? err.code : '';
  const why = databaseBusy(err)
    ? `is locked by another process (still after ${STARTUP_BUSY_TIMEOUT_MS} ms); stop it or wait, then start again`
    : code.startsWith('SQLITE_NOTADB')
      ? 'is not a SQLite database; point DB_PATH at a database file, or at a path where one can be created'
      : code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')
        ? `cannot be written (${(err as Error).message}); the file and its folder must be writable`
        : `cannot be used: ${err instanceof Error ? err.message : String(err)}`;
  return new DatabaseUnusableError(`DB_PATH ${path} ${why}`, { cause: err });
}

/**
 * Open (creating if needed) a SQLite database ready for the coach: WAL journal, foreign keys on, and
 * `synchronous=FULL` so a committed answer survives a power loss as well as a process crash.
 * `:memory:` gives a private in-memory database, for tests. The busy timeout stays at the start-up value
 * until `serving(db)` shortens it, so migrations can wait out a brief lock.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new DatabaseUnusableError(`DB_PATH ${path}: cannot create its folder: ${(err as Error).message}`, { cause: err });
    }
  }
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma(`busy_timeout = ${STARTUP_BUSY_TIMEOUT_MS}`);
    // WAL lets readers (GET a transcript) run while an answer is written; in-memory databases ignore it.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db?.close();
    throw unusable(path, err);
  }
}

/**
 * Prove the database takes writes: rewrite its header's `user_version` with the same value and roll back.
 * A read-only file otherwise opens, reads and migrates (when current) fine, and fails on the first answer.
 */
export function assertWritable(db: Db): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  db.exec('BEGIN IMMEDIATE');
  try {
    db.pragma(`user_version = ${version}`);
  } finally {
    db.exec('ROLLBACK');
  }
}

/** Switch to the short busy wait of a serving process. */
export function serving(db: Db, options: OpenOptions = {}): void {
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
}
