import { z } from 'zod';

/** The JSON of `GET /api/monitoring/drift`; also what the drift gauges and warnings are made from. */
export const PsiReadingSchema = z.enum(['stable', 'moderate', 'significant']);

const Bin = z.object({
  label: z.string().meta({ description: 'The bin: a level (`1`..`5`) for scores, a word range for answer lengths.' }),
  baseline: z.number().meta({ description: 'Share of the baseline\'s grades in the bin.' }),
  window: z.number().meta({ description: 'Share of the window\'s grades in the bin.' }),
});

const Feature = z.object({
  psi: z.number(),
  reading: PsiReadingSchema.meta({ description: 'The usual reading of `psi`: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 significant.' }),
  noiseP95: z.number().meta({ description: 'PSI that sampling noise alone stays under 95% of the time at these sizes (chi-square approximation).' }),
  beyondNoise: z.boolean().meta({ description: '`psi` is above `noiseP95`: only then does a moderate or significant reading raise an alert.' }),
  bins: z.array(Bin),
});

const Span = z.object({
  n: z.number().int().meta({ description: 'Scored grades in it.' }),
  firstAt: z.string().nullable(),
  lastAt: z.string().nullable(),
});

export const ScopeDriftSchema = z.object({
  status: z.enum(['ok', 'collecting-baseline', 'collecting-window']).meta({ description: '`ok` once both baseline and window are full; until then the PSI values are null.' }),
  baseline: Span,
  window: Span,
  score: Feature.extend({ baselineMean: z.number(), windowMean: z.number() }).nullable().meta({ description: 'Distribution of the judge\'s raw score, binned by level.' }),
  answerLength: Feature.extend({ baselineMedian: z.number(), windowMedian: z.number() }).nullable().meta({ description: 'Distribution of answer length in words, binned by the baseline\'s deciles.' }),
});
export type ScopeDrift = z.infer<typeof ScopeDriftSchema>;

export const VariantDriftSchema = z.object({
  variant: z.enum(['A', 'B']),
  judgeKind: z.string(),
  model: z.string(),
  promptName: z.string().nullable(),
  promptVersion: z.string(),
  overall: ScopeDriftSchema,
  questions: z.array(ScopeDriftSchema.extend({ questionId: z.string() })).meta({ description: 'Per bank question (follow-ups apart), with their own baseline and window.' }),
});
export type VariantDrift = z.infer<typeof VariantDriftSchema>;

export const DriftAlertSchema = z.object({
  variant: z.enum(['A', 'B']),
  promptVersion: z.string(),
  scope: z.string().meta({ description: '`overall` or a question id.' }),
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
  alerts: z.array(DriftAlertSchema).meta({ description: 'Every moderate or significant reading whose PSI is beyond sampling noise.' }),
});
export type DriftReport = z.infer<typeof DriftReportSchema>;
