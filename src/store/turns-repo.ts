import { z } from 'zod';
import { Grade, UnscoredReason } from '../grading/grade-schema.js';
import type { Db } from './db.js';
import { jsonColumn, parseRow } from './json-column.js';
import { redactDeep, redactSecrets } from './redact.js';

export const TurnStatus = z.enum(['pending', 'graded', 'failed']);
export type TurnStatus = z.infer<typeof TurnStatus>;

/**
 * Why a turn has no grade: an unscored grade's reason, or `overloaded` when the grade was refused before
 * any LLM call because the queue was full (or the server was stopping).
 */
export const TurnFailureReason = z.enum([...UnscoredReason.options, 'overloaded']);
export type TurnFailureReason = z.infer<typeof TurnFailureReason>;

export const TurnFailure = z.object({ reason: TurnFailureReason, detail: z.string() });
export type TurnFailure = z.infer<typeof TurnFailure>;

/** One answer to one question of a session, with its grade once there is one, as the API shows it. */
export const TurnRecordSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  seq: z.number().int(),
  step: z.number().int(),
  questionId: z.string(),
  kind: z.enum(['main', 'follow-up']),
  question: z.string(),
  answer: z.string(),
  attempt: z.number().int(),
  retryOf: z.string().nullable(),
  status: TurnStatus,
  grade: Grade.nullable(),
  failure: TurnFailure.nullable(),
  gradingRuns: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  gradedAt: z.string().nullable(),
  timeSpentMs: z.number().int().nullable().meta({ description: 'Milliseconds from presenting the question to the answer\'s arrival, measured by the server' }),
  overTime: z.boolean().meta({ description: 'Mock interview: the answer arrived after the time limit (it is still stored and graded)' }),
  hintUsed: z.boolean().meta({ description: 'A hint was shown for this step before the answer' }),
  adaptiveOf: z.string().nullable().meta({ description: 'The turn whose adaptive follow-up this answers; null for an answer to a step of the plan' }),
  probesKeyPoint: z.string().nullable().meta({ description: 'Adaptive answers: the key point the follow-up probes, the one it is graded against' }),
  modelAnswerViewed: z.boolean().meta({ description: 'The model answer of this turn was revealed' }),
});

/** A 0/1 INTEGER column read as a boolean. */
const flag = z.union([z.literal(0), z.literal(1), z.boolean()]).transform((v) => v === 1 || v === true);

/** A record field's column: `sessionId` is stored as `session_id`. */
const column = (field: string) => field.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

/**
 * A `turns` row read back: every field of `TurnRecordSchema` from its column, the grade from its JSON text
 * and the failure from its two columns (`score` is only there for SQL). The fields are written once, above.
 */
const TurnRow = z
  .record(z.string(), z.unknown())
  .transform((row) => {
    const record: Record<string, unknown> = {};
    for (const field of Object.keys(TurnRecordSchema.shape)) record[field] = row[column(field)];
    record.failure = row.failure_reason === null ? null : { reason: row.failure_reason, detail: row.failure_detail ?? '' };
    return record;
  })
  .pipe(TurnRecordSchema.extend({ grade: jsonColumn(Grade).nullable(), overTime: flag, hintUsed: flag, modelAnswerViewed: flag }));
/** Parse a `turns` row (for repos that select turns with their own queries). */
export const parseTurnRow = (row: unknown) => parseRow('turns', TurnRow, row);
/** One answer to one question of a session, with its grade once there is one. */
export type TurnRecord = z.infer<typeof TurnRecordSchema>;

export interface NewTurn {
  id: string;
  sessionId: string;
  step: number;
  questionId: string;
  kind: 'main' | 'follow-up';
  question: string;
  answer: string;
  retryOf: string | null;
  createdAt: string;
  timeSpentMs?: number | null;
  overTime?: boolean;
  hintUsed?: boolean;
  adaptiveOf?: string | null;
  probesKeyPoint?: string | null;
}

export interface TurnsRepo {
  /** Store an answer before anything grades it: status `pending`, sequence number next in its session. */
  insertPending(turn: NewTurn): TurnRecord;
  get(id: string): TurnRecord | undefined;
  /** All turns of a session in the order they were answered. */
  bySession(sessionId: string): TurnRecord[];
  /** The newest attempt at a step of a session. */
  latestForStep(sessionId: string, step: number): TurnRecord | undefined;
  /** Grading is starting (again): back to `pending`, failure cleared, run counted. */
  markGrading(id: string, at: string): void;
  markGraded(id: string, grade: Grade, at: string): TurnRecord;
  markFailed(id: string, failure: TurnFailure, at: string): TurnRecord;
  /** Turns left `pending`, oldest first: answers whose grading never finished (e.g. the process stopped). */
  pending(): TurnRecord[];
  countByStatus(): Record<TurnStatus, number>;
}

/**
 * Turns table access through prepared statements; rows (the grade JSON included) are validated on the way
 * out. `seq` and `attempt` are computed inside the INSERT, so they stay consistent within the transaction.
 */
export function createTurnsRepo(db: Db): TurnsRepo {
  const insert = db.prepare(
    `INSERT INTO turns (id, session_id, seq, step, question_id, kind, question, answer, attempt, retry_of,
                        status, created_at, updated_at, time_spent_ms, over_time, hint_used, adaptive_of, probes_key_point)
     VALUES (@id, @sessionId,
             (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = @sessionId),
             @step, @questionId, @kind, @question, @answer,
             (SELECT COUNT(*) + 1 FROM turns WHERE session_id = @sessionId AND step = @step AND adaptive_of IS NULL AND @adaptiveOf IS NULL),
             @retryOf, 'pending', @createdAt, @createdAt, @timeSpentMs, @overTime, @hintUsed, @adaptiveOf, @probesKeyPoint)`,
  );
  const get = db.prepare('SELECT * FROM turns WHERE id = ?');
  const bySession = db.prepare('SELECT * FROM turns WHERE session_id = ? ORDER BY seq');
  const latest = db.prepare('SELECT * FROM turns WHERE session_id = ? AND step = ? AND adaptive_of IS NULL ORDER BY seq DESC LIMIT 1');
  const grading = db.prepare(
    `UPDATE turns SET status = 'pending', failure_reason = NULL, failure_detail = NULL,
       grading_runs = grading_runs + 1, updated_at = ? WHERE id = ?`,
  );
  const graded = db.prepare(
    `UPDATE turns SET status = 'graded', grade = @grade, score = @score, failure_reason = NULL,
       failure_detail = NULL, updated_at = @at, graded_at = @at WHERE id = @id`,
  );
  const failed = db.prepare(
    `UPDATE turns SET status = 'failed', failure_reason = @reason, failure_detail = @detail, updated_at = @at
     WHERE id = @id`,
  );
  const pending = db.prepare(`SELECT * FROM turns WHERE status = 'pending' ORDER BY created_at, seq`);
  const counts = db.prepare('SELECT status, COUNT(*) AS n FROM turns GROUP BY status');
  const CountRow = z.object({ status: TurnStatus, n: z.number().int() });

  const parse = parseTurnRow;
  const read = (id: string) => {
    const row = get.get(id);
    return row === undefined ? undefined : parse(row);
  };
  const mustRead = (id: string) => {
    const t = read(id);
    if (!t) throw new Error(`turn ${id} does not exist`);
    return t;
  };

  return {
    insertPending(t) {
      insert.run({
        ...t,
        timeSpentMs: t.timeSpentMs ?? null,
        overTime: t.overTime ? 1 : 0,
        hintUsed: t.hintUsed ? 1 : 0,
        adaptiveOf: t.adaptiveOf ?? null,
        probesKeyPoint: t.probesKeyPoint ?? null,
      });
      return mustRead(t.id);
    },
    get: read,
    bySession: (sessionId) => bySession.all(sessionId).map(parse),
    latestForStep(sessionId, step) {
      const row = latest.get(sessionId, step);
      return row === undefined ? undefined : parse(row);
    },
    markGrading(id, at) {
      grading.run(at, id);
    },
    markGraded(id, grade, at) {
      graded.run({ id, grade: JSON.stringify(redactDeep(grade)), score: grade.score, at });
      return mustRead(id);
    },
    markFailed(id, failure, at) {
      failed.run({ id, reason: failure.reason, detail: redactSecrets(failure.detail), at });
      return mustRead(id);
    },
    pending: () => pending.all().map(parse),
    countByStatus() {
      const out: Record<TurnStatus, number> = { pending: 0, graded: 0, failed: 0 };
      for (const row of counts.all()) {
        const { status, n } = parseRow('turns', CountRow, row);
        out[status] = n;
      }
      return out;
    },
  };
}
