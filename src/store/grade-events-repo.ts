import { z } from 'zod';
import { Grade } from '../grading/grade-schema.js';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from './tables.js';
import { jsonColumn, parseRow } from './json-column.js';
import { redactDeep, redactNullable } from './redact.js';

export const Variant = z.enum(['A', 'B']);
export type Variant = z.infer<typeof Variant>;
export const GradeRole = z.enum(['served', 'shadow']);
export type GradeRole = z.infer<typeof GradeRole>;
export const GradeOutcome = z.enum(['scored', 'unscored', 'failed']);
export type GradeOutcome = z.infer<typeof GradeOutcome>;

/** One grade as the grade log keeps it. */
export interface NewGradeEvent {
  at: string;
  source: 'session' | 'api';
  role: GradeRole;
  variant: Variant;
  judgeKind: string;
  model: string;
  promptName: string | null;
  promptVersion: string;
  sessionId: string | null;
  turnId: string | null;
  questionId: string | null;
  pairId: string | null;
  answerChars: number;
  answerWords: number;
  outcome: GradeOutcome;
  reason: string | null;
  score: number | null;
  rawScore: number | null;
  inconsistent: boolean | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number | null;
  /** Kept only when the grade has a pair to be compared with. */
  grade: Grade | null;
}

/** Which judge graded: drift baselines and A/B arms are per variant, model and prompt version. */
export interface JudgeKey {
  variant: Variant;
  model: string;
  promptVersion: string;
}

const ScoredRow = z.object({ id: z.number().int(), at: z.string(), raw_score: z.number(), answer_words: z.number().int() });
/** A scored grade, as drift reads it. */
export interface ScoredGrade {
  id: number;
  at: string;
  rawScore: number;
  answerWords: number;
}

const SummaryRow = z.object({
  grades: z.number().int(),
  scored: z.number().int().nullable(),
  unscored: z.number().int().nullable(),
  failed: z.number().int().nullable(),
  swapped: z.number().int().nullable(),
  inconsistent: z.number().int().nullable(),
  mean_score: z.number().nullable(),
  mean_raw: z.number().nullable(),
  prompt_tokens: z.number().int().nullable(),
  completion_tokens: z.number().int().nullable(),
  mean_latency: z.number().nullable(),
});
export type ArmTotals = z.infer<typeof SummaryRow>;

const PairRow = z.object({ a_raw: z.number().nullable(), a_outcome: GradeOutcome, b_raw: z.number().nullable(), b_outcome: GradeOutcome });
export interface PairedGrades {
  aRaw: number | null;
  aOutcome: GradeOutcome;
  bRaw: number | null;
  bOutcome: GradeOutcome;
}

const StoredEvent = z.object({ id: z.number().int(), role: GradeRole, variant: Variant, outcome: GradeOutcome, pair_id: z.string().nullable(), grade: jsonColumn(Grade).nullable() });

export interface GradeEventsRepo {
  insert(event: NewGradeEvent): Promise<number>;
  /** Append several rows in one statement (the grade log's batches). */
  insertMany(events: readonly NewGradeEvent[]): Promise<void>;
  /** The first `n` scored grades of a judge (of one question when given), oldest first. */
  firstScored(key: JudgeKey, n: number, questionId?: string): Promise<ScoredGrade[]>;
  /** The latest `n` scored grades after id `afterId`, oldest first. */
  latestScoredAfter(key: JudgeKey, afterId: number, n: number, questionId?: string): Promise<ScoredGrade[]>;
  /** Bank questions this judge has scored grades of. */
  questions(key: JudgeKey): Promise<string[]>;
  /** Counts, means and tokens of one arm's grades, since an ISO time when given. */
  totals(key: JudgeKey, role: GradeRole, since?: string): Promise<ArmTotals>;
  /** Answers graded by `served` and, in the background, by `shadow`: one row per pair. */
  pairs(served: JudgeKey, shadow: JudgeKey, since?: string): Promise<PairedGrades[]>;
  /** Every row of a pair, for inspection and tests. */
  byPair(pairId: string): Promise<z.infer<typeof StoredEvent>[]>;
}

const row = (e: NewGradeEvent) => ({
  at: e.at,
  source: e.source,
  role: e.role,
  variant: e.variant,
  judge_kind: e.judgeKind,
  model: e.model,
  prompt_name: e.promptName,
  prompt_version: e.promptVersion,
  session_id: e.sessionId,
  turn_id: e.turnId,
  question_id: e.questionId,
  pair_id: e.pairId,
  answer_chars: e.answerChars,
  answer_words: e.answerWords,
  outcome: e.outcome,
  reason: redactNullable(e.reason),
  score: e.score,
  raw_score: e.rawScore,
  inconsistent: e.inconsistent === null ? null : e.inconsistent ? 1 : 0,
  prompt_tokens: e.promptTokens,
  completion_tokens: e.completionTokens,
  latency_ms: e.latencyMs,
  grade: e.grade ? JSON.stringify(redactDeep(e.grade)) : null,
});

/** The append-only grade log read by drift monitoring and the A/B summary. */
export function createGradeEventsRepo(db: Executor): GradeEventsRepo {
  const judge = (k: JudgeKey): RawBuilder<unknown> =>
    sql`variant = ${k.variant} AND model = ${k.model} AND prompt_version = ${k.promptVersion} AND outcome = 'scored'`;
  const ofQuestion = (questionId: string | undefined) => (questionId === undefined ? sql`` : sql`AND question_id = ${questionId}`);
  const scored = (rows: unknown[]): ScoredGrade[] =>
    rows.map((r0) => {
      const r = parseRow('grade_events', ScoredRow, r0);
      return { id: r.id, at: r.at, rawScore: r.raw_score, answerWords: r.answer_words };
    });
  // A count over booleans, in the spelling both engines read (PostgreSQL has no SUM of a boolean).
  const count = (condition: RawBuilder<unknown>) => sql`SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

  return {
    async insert(e) {
      const r = await db.insertInto('grade_events').values(row(e)).returning('id').executeTakeFirstOrThrow();
      return Number(r.id);
    },
    async insertMany(events) {
      if (events.length === 0) return;
      await db.insertInto('grade_events').values(events.map(row)).execute();
    },
    async firstScored(key, n, questionId) {
      const { rows } = await sql`SELECT id, at, raw_score, answer_words FROM grade_events
        WHERE ${judge(key)} ${ofQuestion(questionId)} ORDER BY id LIMIT ${n}`.execute(db);
      return scored(rows);
    },
    async latestScoredAfter(key, afterId, n, questionId) {
      const { rows } = await sql`SELECT id, at, raw_score, answer_words FROM grade_events
        WHERE ${judge(key)} ${ofQuestion(questionId)} AND id > ${afterId} ORDER BY id DESC LIMIT ${n}`.execute(db);
      return scored(rows).reverse();
    },
    async questions(key) {
      const { rows } = await sql<{ question_id: string }>`SELECT DISTINCT question_id FROM grade_events
        WHERE ${judge(key)} AND question_id IS NOT NULL ORDER BY question_id`.execute(db);
      return rows.map((r) => String(r.question_id));
    },
    async totals(key, role, since) {
      const { rows } = await sql`SELECT COUNT(*) AS grades,
          ${count(sql`outcome = 'scored'`)} AS scored, ${count(sql`outcome = 'unscored'`)} AS unscored,
          ${count(sql`outcome = 'failed'`)} AS failed,
          ${count(sql`inconsistent IS NOT NULL`)} AS swapped, ${count(sql`inconsistent = 1`)} AS inconsistent,
          AVG(score) AS mean_score, AVG(raw_score) AS mean_raw,
          SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, AVG(latency_ms) AS mean_latency
        FROM grade_events
        WHERE variant = ${key.variant} AND model = ${key.model} AND prompt_version = ${key.promptVersion}
          AND role = ${role} AND at >= ${since ?? ''}`.execute(db);
      return parseRow('grade_events', SummaryRow, rows[0]);
    },
    async pairs(served, shadow, since) {
      const { rows } = await sql`SELECT a.raw_score AS a_raw, a.outcome AS a_outcome, b.raw_score AS b_raw, b.outcome AS b_outcome
        FROM grade_events a JOIN grade_events b ON b.pair_id = a.pair_id AND b.role = 'shadow'
        WHERE a.role = 'served' AND a.pair_id IS NOT NULL AND a.at >= ${since ?? ''}
          AND a.variant = ${served.variant} AND a.model = ${served.model} AND a.prompt_version = ${served.promptVersion}
          AND b.variant = ${shadow.variant} AND b.model = ${shadow.model} AND b.prompt_version = ${shadow.promptVersion}
        ORDER BY a.id`.execute(db);
      return rows.map((r0) => {
        const r = parseRow('grade_events', PairRow, r0);
        return { aRaw: r.a_raw, aOutcome: r.a_outcome, bRaw: r.b_raw, bOutcome: r.b_outcome };
      });
    },
    byPair: async (pairId) =>
      (await db.selectFrom('grade_events').select(['id', 'role', 'variant', 'outcome', 'pair_id', 'grade']).where('pair_id', '=', pairId).orderBy('id').execute()).map(
        (r) => parseRow('grade_events', StoredEvent, r),
      ),
  };
}
