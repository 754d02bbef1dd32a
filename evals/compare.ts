import { type AgreementMetric, type BootstrapOptions, type PairedDifference, type PairedItem, pairedBootstrap } from './bootstrap.js';
import { type Agreement, agreement, confusionMatrix, quadraticWeightedKappa, spearman } from './metrics.js';
import type { EvalReport, LlmUsageSummary } from './report.js';

/** One prompt version's side of a comparison. */
export interface CompareSide {
  name: string;
  promptVersion: string;
  model: string;
  /** Items it scored, and items it could not. */
  scored: number;
  unscored: number;
  /** Agreement on the paired items (scored by both versions), raw and cross-validated calibrated. */
  raw: Agreement;
  calibrated: Agreement;
  llm: LlmUsageSummary | null;
}

export interface CompareRow extends PairedDifference {
  metric: 'spearman' | 'qwk';
  scores: 'raw' | 'calibrated';
}

/** compare.json: two prompt versions graded on the same labelled items. */
export interface CompareReport {
  schemaVersion: 1;
  createdAt: string;
  data: string[];
  dataSha256: string;
  A: CompareSide;
  B: CompareSide;
  /** Items both versions scored: every difference is computed on these. */
  pairedItems: number;
  bootstrap: { resamples: number; seed: number; confidence: number };
  /** B minus A, per metric: raw scores (the prompt's own judgment) and calibrated (after each version's CV calibration). */
  differences: CompareRow[];
}

export const METRICS: Record<CompareRow['metric'], AgreementMetric> = {
  spearman: (judge, human) => spearman(judge, human),
  qwk: (judge, human) => quadraticWeightedKappa(confusionMatrix(human, judge)),
};

/**
 * Compare two evaluation reports of the same labelled data, graded by two prompt versions. Items are paired
 * by id; an item either version left unscored is left out of both sides, so both metrics are always computed
 * on the same answers.
 */
export function compareReports(
  a: EvalReport,
  b: EvalReport,
  names: { a: string; b: string },
  options: Required<BootstrapOptions>,
  now: Date = new Date(),
): CompareReport {
  if (a.config.dataSha256 !== b.config.dataSha256) throw new RangeError('compare: the two runs graded different data');
  const byId = new Map(b.items.map((i) => [i.id, i]));
  const pairs = a.items.flatMap((x) => {
    const y = byId.get(x.id);
    return y && x.raw !== null && y.raw !== null && x.calibrated !== null && y.calibrated !== null ? [{ x, y }] : [];
  });
  const raw: PairedItem[] = pairs.map(({ x, y }) => ({ human: x.human, a: x.raw ?? 0, b: y.raw ?? 0 }));
  const calibrated: PairedItem[] = pairs.map(({ x, y }) => ({ human: x.human, a: x.calibrated ?? 0, b: y.calibrated ?? 0 }));
  const side = (r: EvalReport, name: string, pick: 'a' | 'b'): CompareSide => ({
    name,
    promptVersion: r.judge.promptVersion,
    model: r.judge.model,
    scored: r.n,
    unscored: r.unscored.count,
    raw: agreement(raw.map((p) => p[pick]), raw.map((p) => p.human)),
    calibrated: agreement(calibrated.map((p) => p[pick]), calibrated.map((p) => p.human)),
    llm: r.llm,
  });
  const differences: CompareRow[] = [];
  for (const scores of ['raw', 'calibrated'] as const) {
    for (const metric of ['spearman', 'qwk'] as const) {
      differences.push({ metric, scores, ...pairedBootstrap(scores === 'raw' ? raw : calibrated, METRICS[metric], options) });
    }
  }
  return {
    schemaVersion: 1,
    createdAt: now.toISOString(),
    data: a.config.data,
    dataSha256: a.config.dataSha256,
    A: side(a, names.a, 'a'),
    B: side(b, names.b, 'b'),
    pairedItems: pairs.length,
    bootstrap: options,
    differences,
  };
}

const num = (x: number | null, digits = 3) => (x === null ? '-' : x.toFixed(digits));
const signed = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);

/** The comparison as a plain-text table with a one-line reading per metric. */
export function compareText(c: CompareReport): string {
  const head = ['metric', `A ${c.A.name}`, `B ${c.B.name}`, 'B - A', `${Math.round(c.bootstrap.confidence * 100)}% CI`, 'p', 'significant'];
  const rows = c.differences.map((d) => [
    `${d.metric} (${d.scores})`,
    num(d.a),
    num(d.b),
    signed(d.difference),
    d.ci ? `[${signed(d.ci[0])}, ${signed(d.ci[1])}]` : '-',
    d.pValue === null ? '-' : d.pValue.toFixed(3),
    d.ci === null ? 'n/a' : d.significant ? 'yes' : 'no',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const tokens = (s: CompareSide) => {
    if (!s.llm) return '';
    const all = s.llm.freshUsage.promptTokens + s.llm.freshUsage.completionTokens + s.llm.cachedUsage.promptTokens + s.llm.cachedUsage.completionTokens;
    return `; ${all} tokens (${s.llm.providerCalls} provider calls, ${s.llm.cacheHits} from cache)`;
  };
  const side = (label: string, s: CompareSide) =>
    `${label} ${s.name} (${s.promptVersion}, ${s.model}): ${s.scored} scored, ${s.unscored} unscored; MAE ${num(s.raw.mae)}, exact ${num(s.raw.exact)}${tokens(s)}`;
  const readings = c.differences
    .filter((d) => d.scores === 'raw')
    .map((d) =>
      d.ci === null
        ? `${d.metric}: undefined on these items`
        : d.significant
          ? `${d.metric}: B ${(d.difference ?? 0) > 0 ? 'agrees better' : 'agrees worse'} with the humans than A (${signed(d.difference)}), and the difference is real at ${Math.round(c.bootstrap.confidence * 100)}%`
          : `${d.metric}: no significant difference (${signed(d.difference)}; the interval contains 0)`,
    );
  return [
    `prompt comparison on ${c.pairedItems} items scored by both (paired bootstrap, ${c.bootstrap.resamples} resamples, seed ${c.bootstrap.seed})`,
    side('A', c.A),
    side('B', c.B),
    '',
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    ...readings,
  ].join('\n');
}
