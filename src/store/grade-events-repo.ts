import { z } from 'zod';
import { Grade } from '../grading/grade-schema.js';
import type { Db } from './db.js';
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
  insert(event: NewGradeEvent): number;
  /** The first `n` scored grades of a judge (of one question when given), oldest first. */
  firstScored(key: JudgeKey, n: number, questionId?: string): ScoredGrade[];
  /** The latest `n` scored grades after id `afterId`, oldest first. */
  latestScoredAfter(key: JudgeKey, afterId: number, n: number, questionId?: string): ScoredGrade[];
  /** Bank questions this judge has scored grades of. */
  questions(key: JudgeKey): string[];
  /** Counts, means and tokens of one arm's grades, since an ISO time when given. */
  totals(key: JudgeKey, role: GradeRole, since?: string): ArmTotals;
  /** Answers graded by `served` and, in the background, by `shadow`: one row per pair. */
  pairs(served: JudgeKey, shadow: JudgeKey, since?: string): PairedGrades[];
  /** Every row of a pair, for inspection and tests. */
  byPair(pairId: string): z.infer<typeof StoredEvent>[];
}

/** The append-only grade log read by drift monitoring and the A/B summary. */
export function createGradeEventsRepo(db: Db): GradeEventsRepo {
  const insert = db.prepare(
    `INSERT INTO grade_events (at, source, role, variant, judge_kind, model, prompt_name, prompt_version, session_id,
       turn_id, question_id, pair_id, answer_chars, answer_words, outcome, reason, score, raw_score, inconsistent,
       prompt_tokens, completion_tokens, latency_ms, grade)
     VALUES (@at, @source, @role, @variant, @judgeKind, @model, @promptName, @promptVersion, @sessionId, @turnId,
       @questionId, @pairId, @answerChars, @answerWords, @outcome, @reason, @score, @rawScore, @inconsistent,
       @promptTokens, @completionTokens, @latencyMs, @grade)`,
  );
  const judge = `variant = @variant AND model = @model AND prompt_version = @promptVersion AND outcome = 'scored'`;
  const cols = 'id, at, raw_score, answer_words';
  const first = db.prepare(`SELECT ${cols} FROM grade_events WHERE ${judge} ORDER BY id LIMIT @n`);
  const firstQ = db.prepare(`SELECT ${cols} FROM grade_events WHERE ${judge} AND question_id = @questionId ORDER BY id LIMIT @n`);
  const latest = db.prepare(`SELECT ${cols} FROM grade_events WHERE ${judge} AND id > @afterId ORDER BY id DESC LIMIT @n`);
  const latestQ = db.prepare(
    `SELECT ${cols} FROM grade_events WHERE ${judge} AND question_id = @questionId AND id > @afterId ORDER BY id DESC LIMIT @n`,
  );
  const questions = db.prepare(`SELECT DISTINCT question_id FROM grade_events WHERE ${judge} AND question_id IS NOT NULL ORDER BY question_id`).pluck();
  const totals = db.prepare(
    `SELECT COUNT(*) AS grades,
       SUM(outcome = 'scored') AS scored, SUM(outcome = 'unscored') AS unscored, SUM(outcome = 'failed') AS failed,
       SUM(inconsistent IS NOT NULL) AS swapped, SUM(inconsistent = 1) AS inconsistent,
       AVG(score) AS mean_score, AVG(raw_score) AS mean_raw,
       SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, AVG(latency_ms) AS mean_latency
     FROM grade_events
     WHERE variant = @variant AND model = @model AND prompt_version = @promptVersion AND role = @role AND at >= @since`,
  );
  const pairs = db.prepare(
    `SELECT a.raw_score AS a_raw, a.outcome AS a_outcome, b.raw_score AS b_raw, b.outcome AS b_outcome
     FROM grade_events a JOIN grade_events b ON b.pair_id = a.pair_id AND b.role = 'shadow'
     WHERE a.role = 'served' AND a.pair_id IS NOT NULL AND a.at >= @since
       AND a.variant = @aVariant AND a.model = @aModel AND a.prompt_version = @aVersion
       AND b.variant = @bVariant AND b.model = @bModel AND b.prompt_version = @bVersion
     ORDER BY a.id`,
  );
  const byPair = db.prepare('SELECT id, role, variant, outcome, pair_id, grade FROM grade_events WHERE pair_id = ? ORDER BY id');

  const scored = (rows: unknown[]): ScoredGrade[] =>
    rows.map((row) => {
      const r = parseRow('grade_events', ScoredRow, row);
      return { id: r.id, at: r.at, rawScore: r.raw_score, answerWords: r.answer_words };
    });
  const keyParams = (k: JudgeKey) => ({ variant: k.variant, model: k.model, promptVersion: k.promptVersion });

  return {
    insert(e) {
      const result = insert.run({
        ...e,
        inconsistent: e.inconsistent === null ? null : e.inconsistent ? 1 : 0,
        reason: redactNullable(e.reason),
        grade: e.grade ? JSON.stringify(redactDeep(e.grade)) : null,
      });
      return Number(result.lastInsertRowid);
    },
    firstScored(key, n, questionId) {
      const params = { ...keyParams(key), n };
      return scored(questionId === undefined ? first.all(params) : firstQ.all({ ...params, questionId }));
    },
    latestScoredAfter(key, afterId, n, questionId) {
      const params = { ...keyParams(key), afterId, n };
      return scored(questionId === undefined ? latest.all(params) : latestQ.all({ ...params, questionId })).reverse();
    },
    questions: (key) => questions.all(keyParams(key)).map((q) => String(q)),
    totals: (key, role, since) => parseRow('grade_events', SummaryRow, totals.get({ ...keyParams(key), role, since: since ?? '' })),
    pairs(served, shadow, since) {
      return pairs
        .all({
          aVariant: served.variant,
          aModel: served.model,
          aVersion: served.promptVersion,
          bVariant: shadow.variant,
          bModel: shadow.model,
          bVersion: shadow.promptVersion,
          since: since ?? '',
        })
        .map((row) => {
          const r = parseRow('grade_events', PairRow, row);
          return { aRaw: r.a_raw, aOutcome: r.a_outcome, bRaw: r.b_raw, bOutcome: r.b_outcome };
        });
    },
    byPair: (pairId) => byPair.all(pairId).map((row) => parseRow('grade_events', StoredEvent, row)),
  };
}
