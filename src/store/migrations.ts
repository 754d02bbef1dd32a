/** One schema change. Ids are applied in ascending order and never reused or edited once released. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/**
 * The coach's schema, as a list of changes. To change the schema, append a migration; never edit one that
 * has shipped, because databases that already applied it would not see the edit.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'sessions, turns and the LLM call audit log',
    sql: `
      CREATE TABLE sessions (
        id          TEXT PRIMARY KEY,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        -- The filters the candidate asked for, as JSON: { topic, type, difficulty, count }.
        filters     TEXT NOT NULL,
        -- Main question ids in the order they are asked, as a JSON array. Each is followed by its follow-up.
        plan        TEXT NOT NULL,
        -- Index of the next step to answer in the plan's steps (main, follow-up, main, ...).
        cursor      INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0),
        status      TEXT NOT NULL CHECK (status IN ('active', 'finished')),
        finished_at TEXT
      );

      CREATE TABLE turns (
        id             TEXT PRIMARY KEY,
        session_id     TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        -- Order of the turn within its session, from 1.
        seq            INTEGER NOT NULL,
        -- Which step of the session this answers; a retry answers the same step again.
        step           INTEGER NOT NULL,
        -- Gradable bank id: 'data-drift' or 'data-drift.follow-up'.
        question_id    TEXT NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('main', 'follow-up')),
        -- The question text as it was asked, so the transcript reads the same if the bank changes.
        question       TEXT NOT NULL,
        answer         TEXT NOT NULL,
        attempt        INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        retry_of       TEXT REFERENCES turns(id),
        status         TEXT NOT NULL CHECK (status IN ('pending', 'graded', 'failed')),
        -- The full Grade as JSON once graded.
        grade          TEXT,
        score          REAL,
        failure_reason TEXT,
        failure_detail TEXT,
        -- How many times grading was started for this turn (1 + regrades).
        grading_runs   INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        graded_at      TEXT,
        UNIQUE (session_id, seq),
        CHECK (status <> 'graded' OR grade IS NOT NULL),
        CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
      );
      CREATE INDEX turns_by_status ON turns(status);

      CREATE TABLE llm_calls (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        turn_id           TEXT REFERENCES turns(id) ON DELETE CASCADE,
        at                TEXT NOT NULL,
        model             TEXT NOT NULL,
        prompt_version    TEXT NOT NULL,
        call_order        TEXT NOT NULL,
        question_id       TEXT,
        -- The chat request as JSON (model, messages, temperature, ...). Never holds credentials.
        request           TEXT NOT NULL,
        raw_reply         TEXT,
        finish_reason     TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        latency_ms        INTEGER NOT NULL,
        error             TEXT
      );
      CREATE INDEX llm_calls_by_turn ON llm_calls(turn_id);
    `,
  },
];
