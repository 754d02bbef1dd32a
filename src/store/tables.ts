import type { Generated, Kysely } from 'kysely';

/**
 * The tables as the query layer sees them: column names and the JavaScript types both engines hand back
 * (text for timestamps and JSON, numbers for integers and reals). Rows are still validated by each repo's
 * zod schema on the way out; these types only let the query builder check column names.
 */
export interface Tables {
  sessions: {
    id: string;
    created_at: string;
    updated_at: string;
    filters: string;
    plan: string;
    cursor: number;
    status: string;
    finished_at: string | null;
    variant: string | null;
    /** Practice profiles: the candidate's random id, the session's mode, a mock's limit, when the current question was asked. */
    candidate_id: string | null;
    mode: Generated<string>;
    time_limit_seconds: number | null;
    asked_at: string | null;
  };
  turns: {
    id: string;
    session_id: string;
    seq: number;
    step: number;
    question_id: string;
    kind: string;
    question: string;
    answer: string;
    attempt: number;
    retry_of: string | null;
    status: string;
    grade: string | null;
    score: number | null;
    failure_reason: string | null;
    failure_detail: string | null;
    grading_runs: number;
    created_at: string;
    updated_at: string;
    graded_at: string | null;
    /** The instance grading the turn now, and until when its lease holds (ISO time). */
    claimed_by: string | null;
    claim_expires_at: string | null;
    /** Practice: server-measured time, 0/1 flags, and the turn and key point an adaptive answer follows up. */
    time_spent_ms: number | null;
    over_time: Generated<number>;
    hint_used: Generated<number>;
    adaptive_of: string | null;
    probes_key_point: string | null;
    model_answer_viewed: Generated<number>;
  };
  llm_calls: {
    id: Generated<number>;
    turn_id: string | null;
    at: string;
    model: string;
    prompt_version: string;
    call_order: string;
    question_id: string | null;
    request: string;
    raw_reply: string | null;
    finish_reason: string | null;
    prompt_tokens: number | null;
    completion_tokens: number | null;
    latency_ms: number;
    error: string | null;
  };
  grade_events: {
    id: Generated<number>;
    at: string;
    source: string;
    role: string;
    variant: string;
    judge_kind: string;
    model: string;
    prompt_name: string | null;
    prompt_version: string;
    session_id: string | null;
    turn_id: string | null;
    question_id: string | null;
    pair_id: string | null;
    answer_chars: number;
    answer_words: number;
    outcome: string;
    reason: string | null;
    score: number | null;
    raw_score: number | null;
    inconsistent: number | null;
    prompt_tokens: number | null;
    completion_tokens: number | null;
    latency_ms: number | null;
    grade: string | null;
  };
  session_hints: { session_id: string; step: number; key_point_id: string; at: string };
  schema_migrations: { id: number; name: string; applied_at: string };
}

/** Which engine a store runs on. SQL that differs between them is chosen by this. */
export type Engine = 'sqlite' | 'postgres';

/**
 * What a repo runs its queries on: the store's pool, or one transaction (a Kysely `Transaction` is a
 * `Kysely` bound to one connection). Repos never know which.
 */
export type Executor = Kysely<Tables>;
