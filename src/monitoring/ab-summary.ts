import { z } from 'zod';
import { round, roundOrNull } from '../numbers.js';
import { levelOf } from '../grading/levels.js';
import type { ArmTotals, GradeEventsRepo, GradeRole, JudgeKey, PairedGrades } from '../store/grade-events-repo.js';
import type { DriftTarget } from './drift-monitor.js';

const ArmIdentitySchema = z.object({ judgeKind: z.string(), model: z.string(), promptName: z.string().nullable(), promptVersion: z.string() });

const ArmSummarySchema = z.object({
  variant: z.enum(['A', 'B']),
  role: z.enum(['served', 'shadow']).meta({ description: '`served`: grades the candidate saw. `shadow`: the candidate prompt\'s unseen grades of answers A served.' }),
  grades: z.number().int(),
  scored: z.number().int(),
  unscored: z.number().int(),
  failed: z.number().int(),
  unscoredRate: z.number().nullable().meta({ description: '(unscored + failed) / grades.' }),
  inconsistentRate: z.number().nullable().meta({ description: 'Share of position-swapped grades whose orders were 2+ levels apart.' }),
  meanScore: z.number().nullable().meta({ description: 'Mean of the score shown (calibrated when a calibration applies).' }),
  meanRawScore: z.number().nullable().meta({ description: 'Mean of the judge\'s raw score: what compares prompt versions.' }),
  tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), perGrade: z.number().nullable() }),
  meanLatencyMs: z.number().nullable(),
});
export type ArmSummary = z.infer<typeof ArmSummarySchema>;

export const AbSummarySchema = z.object({
  generatedAt: z.string(),
  since: z.string().nullable(),
  experiment: z.object({
    running: z.boolean(),
    share: z.number(),
    shadow: z.boolean(),
    A: ArmIdentitySchema,
    B: ArmIdentitySchema.nullable(),
  }),
  arms: z.array(ArmSummarySchema),
  /**
   * Answers graded by both prompts (served by A, shadow-graded by B), compared pair by pair. Null unless
   * shadow mode has produced pairs.
   */
  shadowPairs: z
    .object({
      pairs: z.number().int(),
      bothScored: z.number().int().meta({ description: 'Pairs both prompts scored; the differences below are over these.' }),
      onlyAScored: z.number().int().meta({ description: 'Pairs where exactly one prompt failed or gave no score.' }),
      onlyBScored: z.number().int(),
      meanDifference: z.number().nullable().meta({ description: 'Mean of B\'s raw score minus A\'s.' }),
      meanAbsDifference: z.number().nullable(),
      levelDisagreement: z.number().nullable().meta({ description: 'Share of pairs whose levels (raw score rounded half up) differ, and differ by 2 or more.' }),
      disagreeBy2OrMore: z.number().nullable(),
    })
    .nullable(),
  /**
   * B's served mean raw score minus A's. Different answers on each side (the split is random by session),
   * so read it with the grade counts; the labelled-set comparison (`npm run eval -- --compare`) says
   * whether a difference in agreement with humans is real.
   */
  servedMeanDifference: z.number().nullable(),
});
export type AbSummary = z.infer<typeof AbSummarySchema>;

export interface AbSummaryOptions {
  events: GradeEventsRepo;
  a: DriftTarget;
  b: DriftTarget | null;
  share: number;
  shadow: boolean;
  now?: () => Date;
}

const ratio = (num: number, den: number) => (den === 0 ? null : round(num / den, 4));
const level = (score: number) => levelOf(score).value;

function armSummary(variant: 'A' | 'B', role: GradeRole, t: ArmTotals): ArmSummary {
  const scored = t.scored ?? 0;
  const prompt = t.prompt_tokens ?? 0;
  const completion = t.completion_tokens ?? 0;
  return {
    variant,
    role,
    grades: t.grades,
    scored,
    unscored: t.unscored ?? 0,
    failed: t.failed ?? 0,
    unscoredRate: ratio((t.unscored ?? 0) + (t.failed ?? 0), t.grades),
    inconsistentRate: ratio(t.inconsistent ?? 0, t.swapped ?? 0),
    meanScore: roundOrNull(t.mean_score, 3),
    meanRawScore: roundOrNull(t.mean_raw, 3),
    tokens: { prompt, completion, perGrade: t.grades === 0 ? null : Math.round((prompt + completion) / t.grades) },
    meanLatencyMs: t.mean_latency === null ? null : Math.round(t.mean_latency),
  };
}

function pairSummary(pairs: readonly PairedGrades[]): AbSummary['shadowPairs'] {
  if (pairs.length === 0) return null;
  const both = pairs.flatMap((p) => (p.aOutcome === 'scored' && p.bOutcome === 'scored' && p.aRaw !== null && p.bRaw !== null ? [{ a: p.aRaw, b: p.bRaw }] : []));
  const n = both.length;
  const sum = (f: (p: { a: number; b: number }) => number) => both.reduce((s, p) => s + f(p), 0);
  return {
    pairs: pairs.length,
    bothScored: n,
    onlyAScored: pairs.filter((p) => p.aOutcome === 'scored' && p.bOutcome !== 'scored').length,
    onlyBScored: pairs.filter((p) => p.aOutcome !== 'scored' && p.bOutcome === 'scored').length,
    meanDifference: n ? round(sum((p) => p.b - p.a) / n, 3) : null,
    meanAbsDifference: n ? round(sum((p) => Math.abs(p.b - p.a)) / n, 3) : null,
    levelDisagreement: ratio(sum((p) => (level(p.a) !== level(p.b) ? 1 : 0)), n),
    disagreeBy2OrMore: ratio(sum((p) => (Math.abs(level(p.a) - level(p.b)) >= 2 ? 1 : 0)), n),
  };
}

/**
 * The live prompt A/B and shadow results from the grade log, for the prompt versions configured now (grades
 * of earlier experiments are left out). `since` (an ISO time) narrows it to grades from then on.
 */
export async function abSummary(options: AbSummaryOptions, since?: string): Promise<AbSummary> {
  const { events, a, b } = options;
  const key = (t: DriftTarget): JudgeKey => ({ variant: t.variant, model: t.model, promptVersion: t.promptVersion });
  const identity = (t: DriftTarget) => ({ judgeKind: t.judgeKind, model: t.model, promptName: t.promptName, promptVersion: t.promptVersion });
  const arms = [armSummary('A', 'served', await events.totals(key(a), 'served', since))];
  if (b) {
    arms.push(armSummary('B', 'served', await events.totals(key(b), 'served', since)));
    arms.push(armSummary('B', 'shadow', await events.totals(key(b), 'shadow', since)));
  }
  const servedA = arms[0]?.meanRawScore ?? null;
  const servedB = b ? (arms[1]?.meanRawScore ?? null) : null;
  return {
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    since: since ?? null,
    experiment: { running: b !== null, share: b ? options.share : 0, shadow: b ? options.shadow : false, A: identity(a), B: b ? identity(b) : null },
    arms,
    shadowPairs: b ? pairSummary(await events.pairs(key(a), key(b), since)) : null,
    servedMeanDifference: servedA === null || servedB === null ? null : round(servedB - servedA, 3),
  };
}
