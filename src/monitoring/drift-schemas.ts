import { z } from 'zod';

/** The JSON of `GET /api/monitoring/drift`; also what the drift gauges and warnings are made from. */
export const PsiReadingSchema = z.enum(['stable', 'moderate', 'significant']);

const Bin = z.object({
  /** The bin: a level (`1`..`5`) for scores, a word range for answer lengths. */
  label: z.string(),
  /** Share of the baseline's grades in the bin. */
  baseline: z.number(),
  /** Share of the window's grades in the bin. */
  window: z.number(),
});

const Feature = z.object({
  psi: z.number(),
  /** The usual reading of `psi`: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 significant. */
  reading: PsiReadingSchema,
  /** PSI that sampling noise alone stays under 95% of the time at these sizes (chi-square approximation). */
  noiseP95: z.number(),
  /** `psi` is above `noiseP95`: only then does a moderate or significant reading raise an alert. */
  beyondNoise: z.boolean(),
  bins: z.array(Bin),
});

const Span = z.object({
  /** Scored grades in it. */
  n: z.number().int(),
  firstAt: z.string().nullable(),
  lastAt: z.string().nullable(),
});

export const ScopeDriftSchema = z.object({
  /** `ok` once both baseline and window are full; until then the PSI values are null. */
  status: z.enum(['ok', 'collecting-baseline', 'collecting-window']),
  baseline: Span,
  window: Span,
  /** Distribution of the judge's raw score, binned by level. */
  score: Feature.extend({ baselineMean: z.number(), windowMean: z.number() }).nullable(),
  /** Distribution of answer length in words, binned by the baseline's deciles. */
  answerLength: Feature.extend({ baselineMedian: z.number(), windowMedian: z.number() }).nullable(),
});
export type ScopeDrift = z.infer<typeof ScopeDriftSchema>;

export const VariantDriftSchema = z.object({
  variant: z.enum(['A', 'B']),
  judgeKind: z.string(),
  model: z.string(),
  promptName: z.string().nullable(),
  promptVersion: z.string(),
  overall: ScopeDriftSchema,
  /** Per bank question (follow-ups apart), with their own baseline and window. */
  questions: z.array(ScopeDriftSchema.extend({ questionId: z.string() })),
});
export type VariantDrift = z.infer<typeof VariantDriftSchema>;

export const DriftAlertSchema = z.object({
  variant: z.enum(['A', 'B']),
  promptVersion: z.string(),
  /** `overall` or a question id. */
  scope: z.string(),
  feature: z.enum(['score', 'answer-length']),
  psi: z.number(),
  reading: PsiReadingSchema,
  noiseP95: z.number(),
});
export type DriftAlert = z.infer<typeof DriftAlertSchema>;

export const DriftReportSchema = z.object({
  generatedAt: z.string(),
  method: z.string(),
  thresholds: z.object({ moderate: z.number(), significant: z.number() }),
  sizes: z.object({ baseline: z.number().int(), window: z.number().int(), question: z.number().int() }),
  variants: z.array(VariantDriftSchema),
  /** Every moderate or significant reading whose PSI is beyond sampling noise. */
  alerts: z.array(DriftAlertSchema),
});
export type DriftReport = z.infer<typeof DriftReportSchema>;
