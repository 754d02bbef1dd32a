import { z } from 'zod';
import { Difficulty, QuestionType } from '../bank/schema.js';
import type { Engine, Executor } from './tables.js';
import { jsonColumn, parseRow } from './json-column.js';

/** The filters a session was started with, after defaults: `count` is what was asked, capped at what matched. */
export const SessionFilters = z.object({
  topic: z.string().nullable(),
  type: QuestionType.nullable(),
  difficulty: Difficulty.nullable(),
  count: z.number().int().positive(),
});
export type SessionFilters = z.infer<typeof SessionFilters>;

export const SessionStatus = z.enum(['active', 'finished']);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** `practice`: the default; `review`: built from the spaced-review schedule; `mock`: timed, nothing revealed until the end. */
export const SessionMode = z.enum(['practice', 'review', 'mock']);
export type SessionMode = z.infer<typeof SessionMode>;

const SessionRow = z
  .object({
    id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    filters: jsonColumn(SessionFilters),
    plan: jsonColumn(z.array(z.string()).min(1)),
    cursor: z.number().int().nonnegative(),
    status: SessionStatus,
    finished_at: z.string().nullable(),
    variant: z.enum(['A', 'B']).nullable(),
    candidate_id: z.string().nullable(),
    mode: SessionMode,
    time_limit_seconds: z.number().int().positive().nullable(),
    asked_at: z.string().nullable(),
  })
  .transform((r) => ({
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    filters: r.filters,
    plan: r.plan,
    cursor: r.cursor,
    status: r.status,
    finishedAt: r.finished_at,
    /** Prompt A/B variant assigned at start; null for sessions started before variants were recorded. */
    variant: r.variant,
    candidateId: r.candidate_id,
    mode: r.mode,
    timeLimitSeconds: r.time_limit_seconds,
    /** When the question at the cursor was presented; sessions from before it was recorded fall back to their start. */
    askedAt: r.asked_at ?? r.created_at,
  }));
/** Parse a `sessions` row (for repos that select sessions with their own queries). */
export const parseSessionRow = (row: unknown) => parseRow('sessions', SessionRow, row);
/** A session as stored: its question plan and how far the candidate got. */
export type SessionRecord = z.output<typeof SessionRow>;

export interface NewSession {
  id: string;
  createdAt: string;
  filters: SessionFilters;
  plan: string[];
  /** Prompt A/B variant that grades every answer of the session. */
  variant?: 'A' | 'B' | null;
  candidateId?: string | null;
  mode?: SessionMode;
  timeLimitSeconds?: number | null;
}

export interface SessionsRepo {
  insert(session: NewSession): Promise<SessionRecord>;
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * The session, locked against other writers until the transaction ends (`FOR UPDATE` on PostgreSQL; on
   * SQLite the store's IMMEDIATE transaction already holds the database's write lock). Use inside
   * `store.transaction`, before a write that depends on what was read (the cursor).
   */
  getForUpdate(id: string): Promise<SessionRecord | undefined>;
  /** Move the cursor to `cursor`; `finishedAt` set marks the session finished. */
  advance(id: string, cursor: number, at: string, finishedAt: string | null): Promise<void>;
}

/** Sessions table access; rows are validated on the way out. */
export function createSessionsRepo(db: Executor, engine: Engine): SessionsRepo {
  const read = async (id: string, forUpdate = false) => {
    const row = await db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .$if(forUpdate && engine === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    return row === undefined ? undefined : parseSessionRow(row);
  };

  return {
    async insert(s) {
      const row = await db
        .insertInto('sessions')
        .values({
          id: s.id,
          created_at: s.createdAt,
          updated_at: s.createdAt,
          filters: JSON.stringify(s.filters),
          plan: JSON.stringify(s.plan),
          cursor: 0,
          status: 'active',
          variant: s.variant ?? null,
          candidate_id: s.candidateId ?? null,
          mode: s.mode ?? 'practice',
          time_limit_seconds: s.timeLimitSeconds ?? null,
          asked_at: s.createdAt,
        })
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new Error(`session ${s.id} vanished after insert`);
      return parseSessionRow(row);
    },
    get: (id) => read(id),
    getForUpdate: (id) => read(id, true),
    async advance(id, cursor, at, finishedAt) {
      await db
        .updateTable('sessions')
        .set((eb) => ({
          cursor,
          updated_at: at,
          ...(finishedAt === null ? {} : { status: 'finished', finished_at: eb.fn.coalesce('finished_at', eb.val(finishedAt)) }),
        }))
        .where('id', '=', id)
        .execute();
    },
  };
}
