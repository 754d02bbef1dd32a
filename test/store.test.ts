import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import type { Grade } from '../src/grading/grade-schema.js';
import { createGrader } from '../src/grading/grade.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import { type Db, openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS, type Migration } from '../src/store/migrations.js';
import { redactSecrets } from '../src/store/redact.js';
import { createStore, type Store } from '../src/store/store.js';
import { bank } from './helpers/app.js';
import { llmCall } from './helpers/scripted-llm-judge.js';

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

const AT = '2026-01-01T10:00:00.000Z';
function seedSession(store: Store, id = 's1') {
  return store.sessions.insert({ id, createdAt: AT, filters: { topic: null, type: null, difficulty: null, count: 1 }, plan: ['data-drift'] });
}
function newTurn(id: string, extra: Partial<Parameters<Store['turns']['insertPending']>[0]> = {}) {
  return { id, sessionId: 's1', step: 0, questionId: 'data-drift', kind: 'main' as const, question: 'What is data drift?', answer: `answer of ${id}`, retryOf: null, createdAt: AT, ...extra };
}
async function realGrade(answer: string): Promise<Grade> {
  return createGrader({ bank, judge: createEmbeddedJudge() })({ questionId: 'data-drift', answer });
}

describe('migrations', () => {
  it('creates the schema on a fresh database and records each migration', () => {
    const store = open(':memory:');
    expect(store.appliedMigrations).toEqual(MIGRATIONS.map((m) => m.id));
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['grade_events', 'llm_calls', 'schema_migrations', 'sessions', 'turns']));
    expect(store.db.prepare('SELECT id FROM schema_migrations').pluck().all()).toEqual(MIGRATIONS.map((m) => m.id));
  });

  it('uses WAL on a file database, creates its folder, and applies nothing when reopened', () => {
    const path = tempDbPath();
    const first = open(path);
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.db.pragma('foreign_keys', { simple: true })).toBe(1);
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

describe('turns', () => {
  it('stores an answer as pending, numbers turns and attempts, and records grading outcomes', async () => {
    const store = open(':memory:');
    seedSession(store);
    const a = store.turns.insertPending(newTurn('t1'));
    expect(a).toMatchObject({ seq: 1, attempt: 1, status: 'pending', grade: null, failure: null, gradingRuns: 0, answer: 'answer of t1' });
    const retry = store.turns.insertPending(newTurn('t2', { retryOf: 't1' }));
    expect(retry).toMatchObject({ seq: 2, attempt: 2, retryOf: 't1' });
    const fu = store.turns.insertPending(newTurn('t3', { step: 1, questionId: 'data-drift.follow-up', kind: 'follow-up' }));
    expect(fu).toMatchObject({ seq: 3, attempt: 1 });
    expect(store.turns.latestForStep('s1', 0)?.id).toBe('t2');

    store.turns.markGrading('t1', AT);
    const failed = store.turns.markFailed('t1', { reason: 'provider-unavailable', detail: 'HTTP 503' }, AT);
    expect(failed).toMatchObject({ status: 'failed', failure: { reason: 'provider-unavailable', detail: 'HTTP 503' }, gradingRuns: 1 });

    store.turns.markGrading('t1', AT);
    expect(store.turns.get('t1')).toMatchObject({ status: 'pending', failure: null, gradingRuns: 2 });
    const grade = await realGrade('Production data shifts away from the training data, detected with PSI.');
    const graded = store.turns.markGraded('t1', grade, '2026-01-01T10:01:00.000Z');
    expect(graded).toMatchObject({ status: 'graded', gradedAt: '2026-01-01T10:01:00.000Z', failure: null });
    expect(graded.grade).toEqual(grade);

    expect(store.turns.bySession('s1').map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    expect(store.turns.pending().map((t) => t.id)).toEqual(['t2', 't3']);
    expect(store.turns.countByStatus()).toEqual({ pending: 2, graded: 1, failed: 0 });
  });

  it('refuses a turn for a session that does not exist, and a failed status without a reason', () => {
    const store = open(':memory:');
    expect(() => store.turns.insertPending(newTurn('t1'))).toThrow(/FOREIGN KEY/);
    seedSession(store);
    store.turns.insertPending(newTurn('t1'));
    expect(() => store.db.prepare("UPDATE turns SET status = 'failed' WHERE id = 't1'").run()).toThrow(/CHECK/);
    expect(() => store.db.prepare("UPDATE turns SET status = 'graded' WHERE id = 't1'").run()).toThrow(/CHECK/);
  });

  it('reports a corrupted grade column instead of returning it', () => {
    const store = open(':memory:');
    seedSession(store);
    store.turns.insertPending(newTurn('t1'));
    store.db.prepare(`UPDATE turns SET status = 'graded', grade = '{"score": "high"}' WHERE id = 't1'`).run();
    expect(() => store.turns.get('t1')).toThrow(/corrupted turns row: grade/);
    store.db.prepare(`UPDATE turns SET grade = 'not json' WHERE id = 't1'`).run();
    expect(() => store.turns.get('t1')).toThrow(/not valid JSON/);
  });

  it('masks credentials in a failure detail', () => {
    const store = open(':memory:');
    seedSession(store);
    store.turns.insertPending(newTurn('t1'));
    const t = store.turns.markFailed('t1', { reason: 'provider-unavailable', detail: 'Incorrect API key provided: sk-proj-abcdefgh12345678' }, AT);
    expect(t.failure?.detail).toBe('Incorrect API key provided: [redacted]');
  });
});

describe('LLM call audit log', () => {
  const task = { questionId: 'data-drift', question: 'What is data drift?', referenceAnswer: 'x'.repeat(20), rubric: null, levels: bank.bank.levels, answer: 'Inputs shift.' };

  it('keeps model, prompt version, messages, raw reply, tokens, latency and error per turn', () => {
    const store = open(':memory:');
    seedSession(store);
    store.turns.insertPending(newTurn('t1'));
    store.llmCalls.insert('t1', llmCall(task, 'reference-first'));
    store.llmCalls.insert('t1', llmCall(task, 'reference-last', { rawReply: null, finishReason: null, usage: null, error: 'timeout: no reply in 30 s' }));
    const calls = store.llmCalls.byTurn('t1');
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      turnId: 't1',
      model: 'fake-llm-1',
      promptVersion: 'fake-prompt-1',
      order: 'reference-first',
      questionId: 'data-drift',
      rawReply: '{"score": 4}',
      finishReason: 'stop',
      usage: { promptTokens: 120, completionTokens: 30 },
      latencyMs: 12,
      error: null,
    });
    expect(calls[0]?.request.messages[1]).toEqual({ role: 'user', content: '<answer>Inputs shift.</answer>' });
    expect(calls[1]).toMatchObject({ order: 'reference-last', rawReply: null, usage: null, error: 'timeout: no reply in 30 s' });
  });

  it('never stores a credential, even one attached to the record or echoed in an error', () => {
    const store = open(':memory:');
    seedSession(store);
    store.turns.insertPending(newTurn('t1'));
    const call = llmCall(task, 'reference-first', { error: 'AuthenticationError: Incorrect API key provided: sk-live-0123456789abcdef' });
    const withSecrets = { ...call, apiKey: 'sk-secret-attached-1234567890', request: { ...call.request, headers: { Authorization: 'Bearer tok_abcdefghijkl' } } };
    store.llmCalls.insert('t1', withSecrets);
    const raw = JSON.stringify(store.db.prepare('SELECT * FROM llm_calls').all());
    expect(raw).not.toContain('sk-secret');
    expect(raw).not.toContain('sk-live');
    expect(raw).not.toContain('tok_abcdefghijkl');
    expect(raw).toContain('[redacted]');
  });

  it('redacts the usual credential shapes and leaves ordinary text alone', () => {
    expect(redactSecrets('key sk-abcdefghijklmnop used')).toBe('key [redacted] used');
    expect(redactSecrets('Authorization: Bearer abc.def.ghijkl')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('{"api_key": "xyz123456789"}')).toBe('{"api_key": "[redacted]"}');
    expect(redactSecrets('Data drift: the input distribution shifts (PSI > 0.2).')).toBe('Data drift: the input distribution shifts (PSI > 0.2).');
  });
});

describe('restart', () => {
  it('keeps sessions, turns in every state and audit rows after the database is closed and reopened', async () => {
    const path = tempDbPath();
    const before = open(path);
    seedSession(before);
    before.turns.insertPending(newTurn('pending-1'));
    before.turns.insertPending(newTurn('failed-1', { step: 1, questionId: 'data-drift.follow-up', kind: 'follow-up' }));
    before.turns.markFailed('failed-1', { reason: 'timeout', detail: 'no reply' }, AT);
    before.turns.insertPending(newTurn('graded-1', { retryOf: 'pending-1' }));
    const grade = await realGrade('Production data drifts from training data.');
    before.turns.markGraded('graded-1', grade, AT);
    before.sessions.advance('s1', 2, AT, AT);
    before.llmCalls.insert('graded-1', llmCall({ questionId: 'data-drift', question: 'q', referenceAnswer: 'r'.repeat(10), rubric: null, levels: bank.bank.levels, answer: 'a' }, 'reference-first'));
    const snapshot = { session: before.sessions.get('s1'), turns: before.turns.bySession('s1'), calls: before.llmCalls.byTurn('graded-1') };
    before.close();

    const after = open(path);
    expect(after.appliedMigrations).toEqual([]);
    expect(after.sessions.get('s1')).toEqual(snapshot.session);
    expect(after.sessions.get('s1')).toMatchObject({ status: 'finished', cursor: 2, finishedAt: AT });
    expect(after.turns.bySession('s1')).toEqual(snapshot.turns);
    expect(after.turns.pending().map((t) => t.id)).toEqual(['pending-1']);
    expect(after.turns.get('graded-1')?.grade).toEqual(grade);
    expect(after.llmCalls.byTurn('graded-1')).toEqual(snapshot.calls);
  });
});
