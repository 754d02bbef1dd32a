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
  {
    id: 2,
    name: 'prompt A/B variant of sessions, and the grade log for drift and A/B monitoring',
    sql: `
      -- The prompt A/B variant the session was assigned when it started; every answer of it is graded by it.
      ALTER TABLE sessions ADD COLUMN variant TEXT CHECK (variant IN ('A', 'B'));

      -- One row per grade made for a client (served) or in the background by a candidate prompt (shadow).
      CREATE TABLE grade_events (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        at                TEXT NOT NULL,
        source            TEXT NOT NULL CHECK (source IN ('session', 'api')),
        role              TEXT NOT NULL CHECK (role IN ('served', 'shadow')),
        variant           TEXT NOT NULL CHECK (variant IN ('A', 'B')),
        judge_kind        TEXT NOT NULL,
        model             TEXT NOT NULL,
        prompt_name       TEXT,
        prompt_version    TEXT NOT NULL,
        session_id        TEXT,
        turn_id           TEXT REFERENCES turns(id) ON DELETE SET NULL,
        question_id       TEXT,
        -- Served and shadow grades of the same answer share a pair id.
        pair_id           TEXT,
        answer_chars      INTEGER NOT NULL,
        answer_words      INTEGER NOT NULL,
        outcome           TEXT NOT NULL CHECK (outcome IN ('scored', 'unscored', 'failed')),
        reason            TEXT,
        score             REAL,
        raw_score         REAL,
        -- 1 when the two orders were 2+ levels apart, 0 when not, NULL for a single-pass judge.
        inconsistent      INTEGER,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        latency_ms        INTEGER,
        -- The whole Grade as JSON, kept for both sides of a served/shadow pair so they can be compared.
        grade             TEXT,
        CHECK (outcome <> 'scored' OR raw_score IS NOT NULL)
      );
      CREATE INDEX grade_events_by_judge ON grade_events(variant, model, prompt_version, outcome, id);
      CREATE INDEX grade_events_by_question ON grade_events(variant, model, prompt_version, question_id, outcome, id);
      CREATE INDEX grade_events_by_pair ON grade_events(pair_id) WHERE pair_id IS NOT NULL;
    `,
  },
  {
    id: 3,
    name: 'practice profiles: candidate and mode of sessions, timing and help used per turn, hints',
    sql: `
      -- The random id a candidate's browser keeps: the only key to its practice history. NULL: anonymous.
      ALTER TABLE sessions ADD COLUMN candidate_id TEXT;
      ALTER TABLE sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'practice' CHECK (mode IN ('practice', 'review', 'mock'));
      -- Mock interviews: seconds allowed per question.
      ALTER TABLE sessions ADD COLUMN time_limit_seconds INTEGER;
      -- When the question at the cursor was presented (the session start, then each grade's return).
      ALTER TABLE sessions ADD COLUMN asked_at TEXT;
      CREATE INDEX sessions_by_candidate ON sessions(candidate_id, created_at) WHERE candidate_id IS NOT NULL;

      -- Milliseconds from presenting the question to the answer's arrival, measured by the server.
      ALTER TABLE turns ADD COLUMN time_spent_ms INTEGER;
      -- 1 when a mock interview's answer arrived after the time limit (it is still stored and graded).
      ALTER TABLE turns ADD COLUMN over_time INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE turns ADD COLUMN hint_used INTEGER NOT NULL DEFAULT 0;
      -- The turn whose adaptive follow-up this answers, and the key point that follow-up probes.
      ALTER TABLE turns ADD COLUMN adaptive_of TEXT REFERENCES turns(id) ON DELETE CASCADE;
      ALTER TABLE turns ADD COLUMN probes_key_point TEXT;
      ALTER TABLE turns ADD COLUMN model_answer_viewed INTEGER NOT NULL DEFAULT 0;

      -- The hint shown for a step of a session: one key point's topic. One per step, so a repeat shows the same.
      CREATE TABLE session_hints (
        session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        step         INTEGER NOT NULL,
        key_point_id TEXT NOT NULL,
        at           TEXT NOT NULL,
        PRIMARY KEY (session_id, step)
      );
    `,
  },
];
