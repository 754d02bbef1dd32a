import { ConfigError } from '../errors.js';
import type { Db } from './db.js';
import type { Migration } from './migrations.js';

/**
 * Bring a database up to date: create the `schema_migrations` table if needed, then apply, each in its own
 * transaction, every migration not yet recorded there. Returns the ids it applied.
 *
 * A database that records a migration this code does not know was written by a newer version of the coach;
 * opening it is refused rather than risking writes an older schema does not expect.
 */
export function migrate(db: Db, migrations: readonly Migration[], now: () => Date = () => new Date()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT id FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const known = new Set(migrations.map((m) => m.id));
  const unknown = [...applied].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      `the database has schema migration(s) ${unknown.join(', ')} that this version does not know; it was written by a newer version`,
    );
  }

  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    if (applied.has(m.id)) continue;
    // exec() and the record share one transaction: a failing migration leaves no half-applied schema.
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, m.name, now().toISOString());
    }).immediate();
    done.push(m.id);
  }
  return done;
}
