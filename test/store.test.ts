import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { type Db, openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS, type Migration } from '../src/store/migrations.js';
import { redactSecrets } from '../src/store/redact.js';
import { createStore, type Store } from '../src/store/store.js';
import { sqliteOf } from './helpers/app.js';

const dirs: string[] = [];
const stores: Store[] = [];
function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coach-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'coach.db');
}
function open(path: string): Store {
  const s = createStore({ path });
  stores.push(s);
  return s;
}
function rawDb(path: string): Db {
  const db = openDatabase(path);
  raws.push(db);
  return db;
}
const raws: Db[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const db of raws.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('migrations', () => {
  it('creates the schema on a fresh database and records each migration', () => {
    const store = open(':memory:');
    expect(store.appliedMigrations).toEqual(MIGRATIONS.map((m) => m.id));
    const tables = sqliteOf(store).prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['grade_events', 'llm_calls', 'schema_migrations', 'sessions', 'turns']));
    expect(sqliteOf(store).prepare('SELECT id FROM schema_migrations').pluck().all()).toEqual(MIGRATIONS.map((m) => m.id));
  });

  it('uses WAL on a file database, creates its folder, and applies nothing when reopened', () => {
    const path = tempDbPath();
    const first = open(path);
    expect(sqliteOf(first).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqliteOf(first).pragma('foreign_keys', { simple: true })).toBe(1);
    first.close();
    expect(open(path).appliedMigrations).toEqual([]);
  });

  it('applies only the migrations a database lacks, in id order', () => {
    const db = rawDb(':memory:');
    const m1: Migration = { id: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' };
    const m2: Migration = { id: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y TEXT' };
    expect(migrate(db, [m1])).toEqual([1]);
    expect(migrate(db, [m2, m1])).toEqual([2]);
    expect(migrate(db, [m2, m1])).toEqual([]);
    db.prepare("INSERT INTO a (x, y) VALUES (1, 'y')").run();
    expect(db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all()).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
  });

  it('rolls a failing migration back entirely', () => {
    const db = rawDb(':memory:');
    const bad: Migration = { id: 1, name: 'bad', sql: 'CREATE TABLE ok (x INTEGER); CREATE TABLE broken (' };
    expect(() => migrate(db, [bad])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok'").get()).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(0);
    // The same id applies cleanly once fixed, because nothing of the failed run was kept.
    expect(migrate(db, [{ id: 1, name: 'good', sql: 'CREATE TABLE ok (x INTEGER)' }])).toEqual([1]);
  });

  it('refuses a database written by a newer version', () => {
    const path = tempDbPath();
    migrate(rawDb(path), [...MIGRATIONS, { id: 99, name: 'future', sql: 'CREATE TABLE future (x INTEGER)' }]);
    expect(() => createStore({ path })).toThrow(ConfigError);
    expect(() => createStore({ path })).toThrow(/99/);
  });
});

describe('redaction', () => {
  it('redacts the usual credential shapes and leaves ordinary text alone', () => {
    expect(redactSecrets('key sk-abcdefghijklmnop used')).toBe('key [redacted] used');
    expect(redactSecrets('Authorization: Bearer abc.def.ghijkl')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('{"api_key": "xyz123456789"}')).toBe('{"api_key": "[redacted]"}');
    expect(redactSecrets('Data drift: the input distribution shifts (PSI > 0.2).')).toBe('Data drift: the input distribution shifts (PSI > 0.2).');
  });
});
