import { z } from 'zod';
import { Grade, UnscoredReason } from '../grading/grade-schema.js';
import { sql, type Updateable } from 'kysely';
import type { Engine, Executor, Tables } from './tables.js';
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

/** A lease on a turn: who grades it, and until when (ISO time) nobody else may. */
export interface Claim {
  by: string;
  until: string;
}

export interface TurnsRepo {
  /**
   * Store an answer before anything grades it: status `pending`, sequence number next in its session. With
   * `claim`, grading starts in the same commit: the run is counted and the lease taken.
   */
  insertPending(turn: NewTurn, claim?: Claim): Promise<TurnRecord>;
  get(id: string): Promise<TurnRecord | undefined>;
  /** All turns of a session in the order they were answered. */
  bySession(sessionId: string): Promise<TurnRecord[]>;
  /** The newest attempt at a step of a session. */
  latestForStep(sessionId: string, step: number): Promise<TurnRecord | undefined>;
  /**
   * Take the lease to grade a turn (again): back to `pending`, failure cleared, run counted. Only a turn that
   * is not graded and not under another instance's live lease (one ending after `at`) can be claimed;
   * otherwise undefined. The holder may take its own lease again (a grade whose save failed): its in-process
   * guard, not the lease, keeps it from grading one turn twice at once.
   */
  claim(id: string, claim: Claim, at: string): Promise<TurnRecord | undefined>;
  /**
   * Claim up to `limit` pending turns whose lease ended before `at` (or that never had one), oldest first:
   * answers an instance stopped grading (it crashed). On PostgreSQL `FOR UPDATE SKIP LOCKED`, so instances
   * sweeping at once take different turns; on SQLite the one UPDATE holds the write lock.
   */
  claimAbandoned(claim: Claim, at: string, limit: number): Promise<TurnRecord[]>;
  /** Extend a lease this instance holds; false when it no longer holds it. */
  renew(id: string, claim: Claim): Promise<boolean>;
  /** Forget every lease (SQLite at start-up: one process per file, so any lease is a dead process's). */
  releaseAll(): Promise<void>;
  /**
   * Store the grade and end the lease. With `by`, only while that instance still holds the lease: a lease
   * lost to another instance (this one stalled past it) writes nothing, and the row as it is comes back.
   */
  markGraded(id: string, grade: Grade, at: string, by?: string): Promise<TurnRecord>;
  markFailed(id: string, failure: TurnFailure, at: string, by?: string): Promise<TurnRecord>;
  /** Turns left `pending`, oldest first: answers whose grading never finished (e.g. the process stopped). */
  pending(): Promise<TurnRecord[]>;
  countByStatus(): Promise<Record<TurnStatus, number>>;
}

const CountRow = z.object({ status: TurnStatus, n: z.number().int() });

/**
 * Turns table access; rows (the grade JSON included) are validated on the way out. `seq` and `attempt` are
 * computed inside the INSERT, so they stay consistent within the transaction that holds the session.
 */
export function createTurnsRepo(db: Executor, engine: Engine): TurnsRepo {
  const parse = parseTurnRow;
  const read = async (id: string) => {
    const row = await db.selectFrom('turns').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : parse(row);
  };
  const mustRead = async (id: string) => {
    const t = await read(id);
    if (!t) throw new Error(`turn ${id} does not exist`);
    return t;
  };
  /** The update of a finished grading run: only by the lease holder when `by` is given. */
  const finish = async (id: string, by: string | undefined, values: Updateable<Tables['turns']>) => {
    const row = await db
      .updateTable('turns')
      .set({ ...values, claimed_by: null, claim_expires_at: null })
      .where('id', '=', id)
      .$if(by !== undefined, (q) => q.where('claimed_by', '=', by ?? ''))
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? mustRead(id) : parse(row);
  };

  return {
    async insertPending(t, claim) {
      const adaptiveOf = t.adaptiveOf ?? null;
      // An adaptive answer is its own first attempt; a step's attempts count only the answers to the plan.
      // Chosen here, not with a NULL test on a parameter in SQL (PostgreSQL cannot type such a parameter).
      const attempt =
        adaptiveOf === null
          ? sql`(SELECT COUNT(*) + 1 FROM turns WHERE session_id = ${t.sessionId} AND step = ${t.step} AND adaptive_of IS NULL)`
          : sql`1`;
      const row = await sql`
        INSERT INTO turns (id, session_id, seq, step, question_id, kind, question, answer, attempt, retry_of,
                           status, grading_runs, claimed_by, claim_expires_at, created_at, updated_at,
                           time_spent_ms, over_time, hint_used, adaptive_of, probes_key_point)
        VALUES (${t.id}, ${t.sessionId},
                (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = ${t.sessionId}),
                ${t.step}, ${t.questionId}, ${t.kind}, ${t.question}, ${t.answer},
                ${attempt},
                ${t.retryOf}, 'pending', ${claim ? 1 : 0}, ${claim?.by ?? null}, ${claim?.until ?? null}, ${t.createdAt}, ${t.createdAt},
                ${t.timeSpentMs ?? null}, ${t.overTime ? 1 : 0}, ${t.hintUsed ? 1 : 0}, ${adaptiveOf}, ${t.probesKeyPoint ?? null})
        RETURNING *`.execute(db);
      return parse(row.rows[0]);
    },
    get: read,
    bySession: async (sessionId) =>
      (await db.selectFrom('turns').selectAll().where('session_id', '=', sessionId).orderBy('seq').execute()).map(parse),
    async latestForStep(sessionId, step) {
      const row = await db
        .selectFrom('turns')
        .selectAll()
        .where('session_id', '=', sessionId)
        .where('step', '=', step)
        .where('adaptive_of', 'is', null)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : parse(row);
    },
    async claim(id, claim, at) {
      const row = await db
        .updateTable('turns')
        .set((eb) => ({
          status: 'pending',
          failure_reason: null,
          failure_detail: null,
          grading_runs: eb('grading_runs', '+', 1),
          updated_at: at,
          claimed_by: claim.by,
          claim_expires_at: claim.until,
        }))
        .where('id', '=', id)
        .where('status', '<>', 'graded')
        .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<=', at), eb('claimed_by', '=', claim.by)]))
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : parse(row);
    },
    async claimAbandoned(claim, at, limit) {
      const lock = engine === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
      const { rows } = await sql`
        UPDATE turns SET grading_runs = grading_runs + 1, updated_at = ${at},
          claimed_by = ${claim.by}, claim_expires_at = ${claim.until}
        WHERE id IN (
          SELECT id FROM turns
          WHERE status = 'pending' AND (claimed_by IS NULL OR claim_expires_at <= ${at})
          ORDER BY created_at, seq LIMIT ${limit} ${lock})
        RETURNING *`.execute(db);
      return rows.map(parse).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.seq - b.seq);
    },
    async renew(id, claim) {
      const r = await db
        .updateTable('turns')
        .set({ claim_expires_at: claim.until })
        .where('id', '=', id)
        .where('claimed_by', '=', claim.by)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async releaseAll() {
      await db.updateTable('turns').set({ claimed_by: null, claim_expires_at: null }).where('claimed_by', 'is not', null).execute();
    },
    markGraded: (id, grade, at, by) =>
      finish(id, by, {
        status: 'graded',
        grade: JSON.stringify(redactDeep(grade)),
        score: grade.score,
        failure_reason: null,
        failure_detail: null,
        updated_at: at,
        graded_at: at,
      }),
    markFailed: (id, failure, at, by) =>
      finish(id, by, { status: 'failed', failure_reason: failure.reason, failure_detail: redactSecrets(failure.detail), updated_at: at }),
    pending: async () =>
      (await db.selectFrom('turns').selectAll().where('status', '=', 'pending').orderBy('created_at').orderBy('seq').execute()).map(parse),
    async countByStatus() {
      const out: Record<TurnStatus, number> = { pending: 0, graded: 0, failed: 0 };
      const rows = await sql`SELECT status, COUNT(*) AS n FROM turns GROUP BY status`.execute(db);
      for (const row of rows.rows) {
        const { status, n } = parseRow('turns', CountRow, row);
        out[status] = n;
      }
      return out;
    },
  };
}
