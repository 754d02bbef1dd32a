import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';

/** Where the coach keeps its database when `DB_PATH` is not set: `var/coach.db` in the project (git-ignored). */
export const DEFAULT_DB_PATH = fileURLToPath(new URL('../../var/coach.db', import.meta.url));

export type Db = Database.Database;

/**
 * Open (creating if needed) a SQLite database ready for the coach: WAL journal, foreign keys on, and
 * `synchronous=FULL` so a committed answer survives a power loss as well as a process crash.
 * `:memory:` gives a private in-memory database, for tests.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new ConfigError(`DB_PATH ${path}: cannot create its folder: ${(err as Error).message}`, { cause: err });
    }
  }
  let db: Db;
  try {
    db = new Database(path);
  } catch (err) {
    throw new ConfigError(`DB_PATH ${path}: cannot open the database: ${(err as Error).message}`, { cause: err });
  }
  // WAL lets readers (GET a transcript) run while an answer is written; in-memory databases ignore it.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Another process (a second server, a backup) may hold the write lock briefly; wait rather than fail.
  db.pragma('busy_timeout = 5000');
  return db;
}
