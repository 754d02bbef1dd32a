import type Database from 'better-sqlite3';
import type pg from 'pg';
import { ConfigError } from '../errors.js';
import { type Migration, migrationSql } from './migrations.js';

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/**
 * Key of the PostgreSQL advisory lock held while migrating: two instances starting together take turns, and
 * the second finds the schema current. Any constant works; this one is "coach" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x636f616368;

function refuseUnknown(applied: ReadonlySet<number>, migrations: readonly Migration[]): void {
  const known = new Set(migrations.map((m) => m.id));
  const unknown = [...applied].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      `the database has schema migration(s) ${unknown.join(', ')} that this version does not know; it was written by a newer version`,
    );
  }
}

const ordered = (migrations: readonly Migration[]) => [...migrations].sort((a, b) => a.id - b.id);

/**
 * Bring a SQLite database up to date: create the `schema_migrations` table if needed, then apply, each in
 * its own IMMEDIATE transaction, every migration not yet recorded there. The ledger is read again inside
 * each transaction, so a second process migrating the same file at the same moment applies nothing twice.
 * Returns the ids it applied.
 *
 * A database that records a migration this code does not know was written by a newer version of the coach;
 * opening it is refused rather than risking writes an older schema does not expect.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: () => Date = () => new Date()): number[] {
  db.exec(CREATE_LEDGER);
  const appliedIds = () => new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all().map((v) => Number(v)));
  refuseUnknown(appliedIds(), migrations);
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of ordered(migrations)) {
    // exec() and the record share one transaction: a failing migration leaves no half-applied schema.
    const applied = db
      .transaction(() => {
        if (appliedIds().has(m.id)) return false;
        db.exec(migrationSql(m, 'sqlite'));
        record.run(m.id, m.name, now().toISOString());
        return true;
      })
      .immediate();
    if (applied) done.push(m.id);
  }
  return done;
}

/**
 * The same on PostgreSQL, under a session advisory lock on one connection: instances starting together
 * wait for each other here, and each migration is one transaction (PostgreSQL's DDL is transactional).
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[], now: () => Date = () => new Date()): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_LEDGER);
      const { rows } = await client.query<{ id: number }>('SELECT id FROM schema_migrations');
      const applied = new Set(rows.map((r) => Number(r.id)));
      refuseUnknown(applied, migrations);
      const done: number[] = [];
      for (const m of ordered(migrations)) {
        if (applied.has(m.id)) continue;
        await client.query('BEGIN');
        try {
          // No parameters: the simple protocol, so one migration may hold several statements.
          await client.query(migrationSql(m, 'postgres'));
          await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, now().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
        done.push(m.id);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
