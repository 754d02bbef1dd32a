import { z } from 'zod';
import { Rubric } from '../bank/schema.js';

/** Longest answer the coach grades; longer bodies are refused with 413 before any judge runs. */
export const MAX_ANSWER_CHARS = 8000;

const AnswerText = z
  .string({ error: 'must be a string' })
  .refine((s) => s.trim().length > 0, 'must not be empty or whitespace only');

/** Grade a question of the bank by id (a follow-up is `<id>.follow-up`). */
export const BankGradeRequest = z.strictObject({
  questionId: z.string().min(1, 'must not be empty'),
  answer: AnswerText,
});

/** Grade a question that is not in the bank: the reference answer is required, the rubric optional. */
export const AdHocGradeRequest = z.strictObject({
  question: z.string().trim().min(3, 'must be at least 3 characters'),
  referenceAnswer: z.string().trim().min(10, 'must be at least 10 characters'),
  rubric: Rubric.optional(),
  answer: AnswerText,
});

export const GradeRequest = z.union([BankGradeRequest, AdHocGradeRequest]);
export type GradeRequest = z.infer<typeof GradeRequest>;
export type BankGradeRequest = z.infer<typeof BankGradeRequest>;
export type AdHocGradeRequest = z.infer<typeof AdHocGradeRequest>;

export const Verdict = z.enum(['covered', 'partial', 'missing']);
export type Verdict = z.infer<typeof Verdict>;

export const KeyPointResult = z.object({
  id: z.string(),
  statement: z.string(),
  weight: z.number(),
  verdict: Verdict,
  /** The sentence (or verbatim quote) of the answer that earned the verdict; null when nothing did. */
  evidence: z.string().nullable(),
  /** Why a verdict was changed after the judge gave it, e.g. a quote that is not in the answer. */
  flag: z.string().optional(),
});
export type KeyPointResult = z.infer<typeof KeyPointResult>;

export const Usage = z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() });
export type Usage = z.infer<typeof Usage>;

/** One pass of the judge: the embedded judge runs once, the LLM judge once per order. */
export const JudgeRun = z.object({
  order: z.enum(['single', 'reference-first', 'reference-last']),
  score: z.number().min(1).max(5).nullable(),
  /** The judge's raw output: the LLM's reply text, or the embedded judge's feature breakdown as JSON. */
  raw: z.string(),
  finishReason: z.string().nullable().optional(),
  usage: Usage.nullable().optional(),
  error: z.string().optional(),
  /** LLM runs: the score the judge wrote, before the evidence check took off credit for unfound quotes. */
  judgeScore: z.number().optional(),
  /** LLM runs: the model that answered, as the provider reported it. */
  model: z.string().nullable().optional(),
  /** LLM runs: how JSON was requested (`json_schema`, `json_object` or `text`). */
  responseFormat: z.enum(['json_schema', 'json_object', 'text']).optional(),
  /** LLM runs: the first reply when it was unusable and a repair was asked for. */
  rejected: z.object({ raw: z.string(), finishReason: z.string().nullable(), error: z.string() }).optional(),
});
export type JudgeRun = z.infer<typeof JudgeRun>;

export const UnscoredReason = z.enum([
  'refusal',
  'truncated',
  'invalid-output',
  'provider-unavailable',
  'timeout',
  'judge-error',
  'reply-too-large',
]);
export type UnscoredReason = z.infer<typeof UnscoredReason>;

export const JudgeKind = z.enum(['embedded', 'llm']);
export type JudgeKind = z.infer<typeof JudgeKind>;

export const LevelLabel = z.enum(['insufficient', 'weak', 'adequate', 'strong', 'excellent']);
export type LevelLabel = z.infer<typeof LevelLabel>;

export const Grade = z.object({
  /** Bank id of the graded question, null for an ad-hoc question. */
  questionId: z.string().nullable(),
  /** What the user sees: the calibrated score when a calibration applies, else the raw score. Null when unscored. */
  score: z.number().min(1).max(5).nullable(),
  /** The judge's own score before calibration (mean of both orders for the LLM judge). */
  rawScore: z.number().min(1).max(5).nullable(),
  level: z.object({ value: z.number().int().min(1).max(5), label: LevelLabel }).nullable(),
  keyPoints: z.array(KeyPointResult),
  strengths: z.array(z.string()),
  gaps: z.array(z.string()),
  /** The bank's follow-up question, when the graded question has one. */
  followUp: z.string().nullable(),
  /** A follow-up written by the LLM judge to probe the most important missed key point. */
  adaptiveFollowUp: z.string().nullable(),
  /** Signals the judge raised about the answer itself, e.g. `manipulation-attempt`, `keyword-stuffing`. */
  flags: z.array(z.string()),
  judge: z.object({
    kind: JudgeKind,
    model: z.string(),
    promptVersion: z.string(),
    /** Id of the calibration artifact applied to rawScore, or null when none was. */
    calibration: z.string().nullable(),
    /**
     * Whether the judge checks that what the answer says is correct. False for the embedded judge: it checks
     * which key points the answer covers (by their words), not whether each statement is true, and it does
     * not read negation reliably. True for the LLM judge.
     */
    verifiesCorrectness: z
      .boolean()
      .describe(
        'Whether the judge checks that what the answer says is correct. false for the embedded judge: it checks which key points the answer covers, not whether each statement is true. true for the LLM judge.',
      ),
    /** LLM judge, served grades: name of the prompt version (`default`, or its folder in prompts/judge/). */
    promptName: z.string().optional(),
  }),
  /** Served grades: the prompt A/B variant that graded the answer (`A` unless a candidate prompt is under test). */
  variant: z.enum(['A', 'B']).optional(),
  /** Per-order agreement of the LLM judge; null for a single-pass judge. */
  consistency: z
    .object({
      referenceFirst: z.number().nullable(),
      referenceLast: z.number().nullable(),
      spread: z.number().nullable(),
      inconsistent: z.boolean(),
      resolution: z.enum(['mean', 'low-confidence']),
    })
    .nullable(),
  runs: z.array(JudgeRun),
  usage: Usage.nullable(),
  /** The most this answer may score under the rubric's rules, e.g. 1 for an attempt to manipulate the grader; `flags` say why. */
  scoreCap: z.number().min(1).max(5).nullable().optional(),
  latencyMs: z.number().nonnegative(),
  unscored: z
    .object({
      reason: UnscoredReason,
      detail: z.string(),
      /** Seconds the LLM provider asked callers to wait, when it said. */
      retryAfterSeconds: z.number().nonnegative().optional(),
    })
    .nullable(),
});
export type Grade = z.infer<typeof Grade>;
