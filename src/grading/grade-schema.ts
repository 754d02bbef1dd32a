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
  evidence: z.string().nullable().meta({ description: 'The sentence (or verbatim quote) of the answer that earned the verdict; null when nothing did.' }),
  flag: z.string().optional().meta({ description: 'Why a verdict was changed after the judge gave it, e.g. a quote that is not in the answer.' }),
});
export type KeyPointResult = z.infer<typeof KeyPointResult>;

export const Usage = z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() });
export type Usage = z.infer<typeof Usage>;

/** One pass of the judge: the embedded judge runs once, the LLM judge once per order. */
export const JudgeRun = z.object({
  order: z.enum(['single', 'reference-first', 'reference-last']),
  score: z.number().min(1).max(5).nullable(),
  raw: z.string().meta({ description: 'The judge\'s raw output: the LLM\'s reply text, or the embedded judge\'s feature breakdown as JSON.' }),
  finishReason: z.string().nullable().optional(),
  usage: Usage.nullable().optional(),
  error: z.string().optional(),
  judgeScore: z.number().optional().meta({ description: 'LLM runs: the score the judge wrote, before the evidence check took off credit for unfound quotes.' }),
  model: z.string().nullable().optional().meta({ description: 'LLM runs: the model that answered, as the provider reported it.' }),
  responseFormat: z.enum(['json_schema', 'json_object', 'text']).optional().meta({ description: 'LLM runs: how JSON was requested (`json_schema`, `json_object` or `text`).' }),
  rejected: z.object({ raw: z.string(), finishReason: z.string().nullable(), error: z.string() }).optional().meta({ description: 'LLM runs: the first reply when it was unusable and a repair was asked for.' }),
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
  questionId: z.string().nullable().meta({ description: 'Bank id of the graded question, null for an ad-hoc question.' }),
  score: z.number().min(1).max(5).nullable().meta({ description: 'What the user sees: the calibrated score when a calibration applies, else the raw score. Null when unscored.' }),
  rawScore: z.number().min(1).max(5).nullable().meta({ description: 'The judge\'s own score before calibration (mean of both orders for the LLM judge).' }),
  level: z.object({ value: z.number().int().min(1).max(5), label: LevelLabel }).nullable(),
  keyPoints: z.array(KeyPointResult),
  strengths: z.array(z.string()),
  gaps: z.array(z.string()),
  followUp: z.string().nullable().meta({ description: 'The bank\'s follow-up question, when the graded question has one.' }),
  adaptiveFollowUp: z.string().nullable().meta({ description: 'A follow-up written by the LLM judge to probe the most important missed key point.' }),
  flags: z.array(z.string()).meta({ description: 'Signals the judge raised about the answer itself, e.g. `manipulation-attempt`, `keyword-stuffing`.' }),
  judge: z.object({
    kind: JudgeKind,
    model: z.string(),
    promptVersion: z.string(),
    calibration: z.string().nullable().meta({ description: 'Id of the calibration artifact applied to rawScore, or null when none was.' }),
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
    promptName: z.string().optional().meta({ description: 'LLM judge, served grades: name of the prompt version (`default`, or its folder in prompts/judge/).' }),
  }),
  variant: z.enum(['A', 'B']).optional().meta({ description: 'Served grades: the prompt A/B variant that graded the answer (`A` unless a candidate prompt is under test).' }),
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
  scoreCap: z.number().min(1).max(5).nullable().optional().meta({ description: 'The most this answer may score under the rubric\'s rules, e.g. 1 for an attempt to manipulate the grader; `flags` say why.' }),
  latencyMs: z.number().nonnegative(),
  unscored: z
    .object({
      reason: UnscoredReason,
      detail: z.string(),
      retryAfterSeconds: z.number().nonnegative().optional().meta({ description: 'Seconds the LLM provider asked callers to wait, when it said.' }),
    })
    .nullable(),
});
export type Grade = z.infer<typeof Grade>;
