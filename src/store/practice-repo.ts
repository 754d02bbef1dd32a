import { z } from 'zod';
import type { Db } from './db.js';
import { parseRow } from './json-column.js';
import { parseSessionRow, type SessionRecord } from './sessions-repo.js';
import { parseTurnRow, type TurnRecord } from './turns-repo.js';

const HintRow = z.object({ key_point_id: z.string() });

/**
 * Practice profiles: a candidate's sessions and turns, deleting a profile, hints and revealed model answers.
 * Every method returns a Promise and the SQL is portable (`?` placeholders, COALESCE, ON CONFLICT), so the
 * repo moves to another database driver without touching its callers.
 */
export interface PracticeRepo {
  /** The candidate's sessions, oldest first; empty when the id has none. */
  sessionsOf(candidateId: string): Promise<SessionRecord[]>;
  /** Every turn of the candidate's sessions, in the order they were answered. */
  turnsOf(candidateId: string): Promise<TurnRecord[]>;
  /**
   * Remove the candidate's sessions and, with them, their turns, hints and LLM audit rows. The grade log
   * keeps its rows for the drift readings but loses every link to the sessions. Returns the sessions removed.
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

export function createPracticeRepo(db: Db): PracticeRepo {
  const sessionsOf = db.prepare('SELECT * FROM sessions WHERE candidate_id = ? ORDER BY created_at, id');
  const turnsOf = db.prepare(
    `SELECT t.* FROM turns t JOIN sessions s ON s.id = t.session_id
     WHERE s.candidate_id = ? ORDER BY s.created_at, s.id, t.seq`,
  );
  const unlinkEvents = db.prepare(
    `UPDATE grade_events SET session_id = NULL, turn_id = NULL
     WHERE session_id IN (SELECT id FROM sessions WHERE candidate_id = ?)`,
  );
  // Adaptive answers point at the turn they follow up and retries at their first attempt: dropping those
  // links first lets the sessions' cascade remove every turn in one statement.
  const unlinkTurns = db.prepare(
    `UPDATE turns SET retry_of = NULL, adaptive_of = NULL
     WHERE session_id IN (SELECT id FROM sessions WHERE candidate_id = ?)`,
  );
  const deleteSessions = db.prepare('DELETE FROM sessions WHERE candidate_id = ?');
  const asked = db.prepare('UPDATE sessions SET asked_at = ? WHERE id = ?');
  const hint = db.prepare('SELECT key_point_id FROM session_hints WHERE session_id = ? AND step = ?');
  const saveHint = db.prepare(
    `INSERT INTO session_hints (session_id, step, key_point_id, at) VALUES (?, ?, ?, ?)
     ON CONFLICT (session_id, step) DO NOTHING`,
  );
  const viewed = db.prepare('UPDATE turns SET model_answer_viewed = 1, updated_at = ? WHERE id = ?');
  const readHint = (sessionId: string, step: number) => {
    const row = hint.get(sessionId, step);
    return row === undefined ? null : parseRow('session_hints', HintRow, row).key_point_id;
  };
  const removeCandidate = db.transaction((candidateId: string) => {
    unlinkEvents.run(candidateId);
    unlinkTurns.run(candidateId);
    return deleteSessions.run(candidateId).changes;
  });

  return {
    sessionsOf: async (candidateId) => sessionsOf.all(candidateId).map(parseSessionRow),
    turnsOf: async (candidateId) => turnsOf.all(candidateId).map(parseTurnRow),
    deleteCandidate: async (candidateId) => removeCandidate.immediate(candidateId),
    async markAsked(sessionId, at) {
      asked.run(at, sessionId);
    },
    hintFor: async (sessionId, step) => readHint(sessionId, step),
    async saveHint(sessionId, step, keyPointId, at) {
      saveHint.run(sessionId, step, keyPointId, at);
      return readHint(sessionId, step) ?? keyPointId;
    },
    async markModelAnswerViewed(turnId, at) {
      viewed.run(at, turnId);
    },
  };
}
