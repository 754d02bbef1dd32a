import type { Usage } from '../../src/grading/grade-schema.js';
import { clusterBootstrap, type Intervals } from '../cluster-bootstrap.js';
import { type Agreement, agreement } from '../metrics.js';
import type { EvalReport } from '../report.js';

/** How many items the matrix lists where its judges disagree most. */
export const DISAGREEMENTS_SHOWN = 15;
const ANSWER_EXCERPT = 400;

export interface MatrixJudge {
  label: string;
  kind: EvalReport['judge']['kind'];
  model: string;
  promptVersion: string;
  n: number;
  unscored: number;
  metrics: EvalReport['metrics'];
  intervals: { raw: Intervals; calibrated: Intervals };
  /** Provider calls made in this run (0 when every reply was cached); null for the embedded judge. */
  calls: number | null;
  cacheHits: number | null;
  /** Tokens of every reply, fresh and cached; null for the embedded judge. */
  tokens: Usage | null;
  /** What this run cost, and what it would have cost with an empty cache; null when no price is known. */
  costUsd: number | null;
  costWithoutCacheUsd: number | null;
  wallMs: number;
  /** The judge's own report, relative to matrix.json. */
  report: string;
}

/** Agreement of two judges' raw scores with each other, on the items both scored. */
export interface MatrixPair {
  a: string;
  b: string;
  agreement: Agreement;
  intervals: Intervals;
}

export interface MatrixDisagreement {
  id: string;
  question: string;
  answer: string;
  human: number;
  /** Raw score of each judge by label; null where it left the item unscored. */
  scores: Record<string, number | null>;
  /** Highest minus lowest of the judges' scores. */
  spread: number;
}

/** matrix.json: several judges on the same items, side by side. */
export interface MatrixReport {
  schemaVersion: 1;
  createdAt: string;
  config: Pick<EvalReport['config'], 'data' | 'dataSha256' | 'dataFiles' | 'scale' | 'folds'> & { resamples: number; seed: number };
  judges: MatrixJudge[];
  pairs: MatrixPair[];
  disagreements: MatrixDisagreement[];
}

/**
 * Put the judges' reports side by side: each judge's agreement with the humans (with its intervals), the
 * judges' agreement with each other, their calls, tokens, cost and time, and the items they disagree on
 * most. Every report must come from the same data.
 */
export function buildMatrix(
  runs: readonly { label: string; report: EvalReport; reportPath: string }[],
  bootstrap: { resamples: number; seed: number },
  now: Date = new Date(),
): MatrixReport {
  const first = runs[0]?.report;
  if (!first) throw new RangeError('matrix: no judge ran');
  for (const r of runs) if (r.report.config.dataSha256 !== first.config.dataSha256) throw new RangeError(`matrix: ${r.label} graded different data`);
  const judges = runs.map(({ label, report: r, reportPath }): MatrixJudge => ({
    label,
    kind: r.judge.kind,
    model: r.judge.model,
    promptVersion: r.judge.promptVersion,
    n: r.n,
    unscored: r.unscored.count,
    metrics: r.metrics,
    intervals: { raw: r.intervals.raw, calibrated: r.intervals.calibrated },
    calls: r.llm ? r.llm.providerCalls : null,
    cacheHits: r.llm ? r.llm.cacheHits : null,
    tokens: r.llm
      ? { promptTokens: r.llm.freshUsage.promptTokens + r.llm.cachedUsage.promptTokens, completionTokens: r.llm.freshUsage.completionTokens + r.llm.cachedUsage.completionTokens }
      : null,
    costUsd: r.llm?.costUsd ?? null,
    costWithoutCacheUsd: r.llm?.costWithoutCacheUsd ?? null,
    wallMs: r.timing.wallMs,
    report: reportPath,
  }));

  const scoreMaps = runs.map((r) => new Map(r.report.items.map((i) => [i.id, i.unscored === null ? i.raw : null])));
  const pairs: MatrixPair[] = [];
  for (let x = 0; x < runs.length; x++) {
    for (let y = x + 1; y < runs.length; y++) {
      const both = first.items.flatMap((i) => {
        const a = scoreMaps[x]?.get(i.id);
        const b = scoreMaps[y]?.get(i.id);
        return a != null && b != null ? [{ cluster: i.group, judge: b, human: a }] : [];
      });
      pairs.push({
        a: runs[x]?.label ?? '',
        b: runs[y]?.label ?? '',
        agreement: agreement(both.map((p) => p.judge), both.map((p) => p.human)),
        intervals: clusterBootstrap(both, bootstrap),
      });
    }
  }

  const disagreements = first.items
    .map((i): MatrixDisagreement => {
      const scores = Object.fromEntries(runs.map((r, k) => [r.label, scoreMaps[k]?.get(i.id) ?? null]));
      const given = Object.values(scores).filter((s): s is number => s !== null);
      const answer = i.answer.length > ANSWER_EXCERPT ? `${i.answer.slice(0, ANSWER_EXCERPT)}…` : i.answer;
      return { id: i.id, question: i.question, answer, human: i.human, scores, spread: given.length >= 2 ? Math.max(...given) - Math.min(...given) : 0 };
    })
    .filter((d) => d.spread > 0)
    .sort((a, b) => b.spread - a.spread || a.id.localeCompare(b.id))
    .slice(0, DISAGREEMENTS_SHOWN);

  const { data, dataSha256, dataFiles, scale, folds } = first.config;
  return { schemaVersion: 1, createdAt: now.toISOString(), config: { data, dataSha256, dataFiles, scale, folds, ...bootstrap }, judges, pairs, disagreements };
}
