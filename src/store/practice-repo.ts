import { z } from 'zod';
import type { Executor } from './tables.js';
import { parseRow } from './json-column.js';
import { parseSessionRow, type SessionRecord } from './sessions-repo.js';
import { parseTurnRow, type TurnRecord } from './turns-repo.js';

const HintRow = z.object({ key_point_id: z.string() });

/**
 * Practice profiles: a candidate's sessions and turns, deleting a profile, hints and revealed model answers.
 * Written once on the query layer, so the same queries run on SQLite and PostgreSQL.
 */
export interface PracticeRepo {
  /** The candidate's sessions, oldest first; empty when the id has none. */
  sessionsOf(candidateId: string): Promise<SessionRecord[]>;
  /** Every turn of the candidate's sessions, in the order they were answered. */
  turnsOf(candidateId: string): Promise<TurnRecord[]>;
  /**
   * Remove the candidate's sessions and, with them, their turns, hints and LLM audit rows. The grade log
   * keeps its rows for the drift readings but loses every link to the sessions. Returns the sessions removed.
   * Run it inside `store.transaction` so the three statements commit together.
   */
  deleteCandidate(candidateId: string): Promise<number>;
  /** The question at the cursor was presented now: the clock of a mock interview runs from here. */
  markAsked(sessionId: string, at: string): Promise<void>;
  /** The hint already shown for a step, or null. */
  hintFor(sessionId: string, step: number): Promise<string | null>;
  /** Record the hint of a step; a step keeps its first hint. Returns the one stored. */
  saveHint(sessionId: string, step: number, keyPointId: string, at: string): Promise<string>;
  markModelAnswerViewed(turnId: string, at: string): Promise<void>;
}

export function createPracticeRepo(db: Executor): PracticeRepo {
  const sessionIdsOf = (candidateId: string) => db.selectFrom('sessions').select('id').where('candidate_id', '=', candidateId);
  const readHint = async (sessionId: string, step: number) => {
    const row = await db
      .selectFrom('session_hints')
      .select('key_point_id')
      .where('session_id', '=', sessionId)
      .where('step', '=', step)
      .executeTakeFirst();
    return row === undefined ? null : parseRow('session_hints', HintRow, row).key_point_id;
  };

  return {
    sessionsOf: async (candidateId) =>
      (await db.selectFrom('sessions').selectAll().where('candidate_id', '=', candidateId).orderBy('created_at').orderBy('id').execute()).map(
        parseSessionRow,
      ),
    turnsOf: async (candidateId) =>
      (
        await db
          .selectFrom('turns as t')
          .innerJoin('sessions as s', 's.id', 't.session_id')
          .selectAll('t')
          .where('s.candidate_id', '=', candidateId)
          .orderBy('s.created_at')
          .orderBy('s.id')
          .orderBy('t.seq')
          .execute()
      ).map(parseTurnRow),
    async deleteCandidate(candidateId) {
      await db
        .updateTable('grade_events')
        .set({ session_id: null, turn_id: null })
        .where('session_id', 'in', sessionIdsOf(candidateId))
        .execute();
      // Adaptive answers point at the turn they follow up and retries at their first attempt: dropping those
      // links first lets the sessions' cascade remove every turn in one statement.
      await db
        .updateTable('turns')
        .set({ retry_of: null, adaptive_of: null })
        .where('session_id', 'in', sessionIdsOf(candidateId))
        .execute();
      const r = await db.deleteFrom('sessions').where('candidate_id', '=', candidateId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async markAsked(sessionId, at) {
      await db.updateTable('sessions').set({ asked_at: at }).where('id', '=', sessionId).execute();
    },
    hintFor: readHint,
    async saveHint(sessionId, step, keyPointId, at) {
      await db
        .insertInto('session_hints')
        .values({ session_id: sessionId, step, key_point_id: keyPointId, at })
        .onConflict((oc) => oc.columns(['session_id', 'step']).doNothing())
        .execute();
      return (await readHint(sessionId, step)) ?? keyPointId;
    },
    async markModelAnswerViewed(turnId, at) {
      await db.updateTable('turns').set({ model_answer_viewed: 1, updated_at: at }).where('id', '=', turnId).execute();
    },
  };
}
