import { mean, median, round } from '../numbers.js';
import type { GradeEventsRepo, JudgeKey, ScoredGrade } from '../store/grade-events-repo.js';
import type { ScopeDrift } from './drift-schemas.js';
import { histogram, psi, psiNoiseP95, quantileEdges, readPsi, SCORE_EDGES } from './psi.js';

/** How many scored grades make a baseline and a window. */
export interface DriftSizes {
  /** The first N scored grades of a judge (variant, model, prompt version). Default 200. */
  baseline: number;
  /** The latest N scored grades after the baseline. Default 200. */
  window: number;
  /** Baseline and window size of each question. Default 100. */
  question: number;
}

export const DEFAULT_DRIFT_SIZES: DriftSizes = { baseline: 200, window: 200, question: 100 };

/**
 * Answer-length bins: quintiles of the baseline's lengths. Deciles, the textbook binning, need about twice
 * the grades for the same sampling noise (see `psiNoiseP95`), and a window of a few hundred grades is what
 * a coach has.
 */
const LENGTH_BINS = 5;
const SCORE_LABELS = ['1', '2', '3', '4', '5'];

const shares = (counts: readonly number[]) => {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
};

/**
 * Upper bin edges of answer lengths (whole words): the baseline's quintiles. When the baseline's lengths
 * barely vary (under 3 bins), bins below its shortest and above its longest answer are added, so a window
 * of shorter or longer answers still shows; they are not added otherwise, because a window's extreme
 * answers often fall outside any baseline's range, and an empty baseline bin turns each of them into drift.
 */
export function lengthEdges(baseline: readonly number[]): number[] {
  if (baseline.length === 0) return [];
  const edges = quantileEdges(baseline, LENGTH_BINS);
  if (edges.length >= 2) return edges;
  const min = Math.min(...baseline);
  const max = Math.max(...baseline);
  const padded = [...(min > 0 ? [min - 1] : []), ...edges, max];
  return padded.filter((e, i) => i === 0 || e > (padded[i - 1] ?? -Infinity));
}

function lengthLabels(edges: readonly number[]): string[] {
  const range = (lo: number, hi: number) => (lo === hi ? `${lo} words` : `${lo}-${hi} words`);
  const labels = edges.map((e, i) => range(i === 0 ? 0 : (edges[i - 1] ?? 0) + 1, e));
  labels.push(edges.length ? `over ${edges[edges.length - 1]} words` : 'any length');
  return labels;
}

function feature(baseline: readonly number[], window: readonly number[], edges: readonly number[], labels: readonly string[]) {
  const b = histogram(baseline, edges);
  const w = histogram(window, edges);
  const bs = shares(b);
  const ws = shares(w);
  const value = psi(b, w);
  const noise = psiNoiseP95(b, w);
  return {
    psi: round(value, 4),
    reading: readPsi(value),
    noiseP95: round(noise, 4),
    beyondNoise: value > noise,
    bins: labels.map((label, i) => ({ label, baseline: round(bs[i] ?? 0, 4), window: round(ws[i] ?? 0, 4) })),
  };
}

const span = (rows: readonly ScoredGrade[]) => ({ n: rows.length, firstAt: rows[0]?.at ?? null, lastAt: rows[rows.length - 1]?.at ?? null });

/**
 * Drift of one judge's grades (all of them, or one question's): PSI of the raw score by level, and of the
 * answer length by the baseline's deciles, between the baseline (the first `size` scored grades) and the
 * window (the latest `size` scored grades after it). Until both are full the status says which one is
 * still being collected and there is no PSI: a PSI over a handful of grades is mostly noise.
 */
export async function scopeDrift(
  events: GradeEventsRepo,
  key: JudgeKey,
  sizes: { baseline: number; window: number },
  questionId?: string,
): Promise<ScopeDrift> {
  const base = await events.firstScored(key, sizes.baseline, questionId);
  const last = base[base.length - 1];
  if (base.length < sizes.baseline || !last) {
    return { status: 'collecting-baseline', baseline: span(base), window: span([]), score: null, answerLength: null };
  }
  const win = await events.latestScoredAfter(key, last.id, sizes.window, questionId);
  if (win.length < sizes.window) {
    return { status: 'collecting-window', baseline: span(base), window: span(win), score: null, answerLength: null };
  }
  const bScores = base.map((r) => r.rawScore);
  const wScores = win.map((r) => r.rawScore);
  const bLengths = base.map((r) => r.answerWords);
  const wLengths = win.map((r) => r.answerWords);
  const edges = lengthEdges(bLengths);
  return {
    status: 'ok',
    baseline: span(base),
    window: span(win),
    score: { ...feature(bScores, wScores, SCORE_EDGES, SCORE_LABELS), baselineMean: round(mean(bScores) ?? Number.NaN, 3), windowMean: round(mean(wScores) ?? Number.NaN, 3) },
    answerLength: { ...feature(bLengths, wLengths, edges, lengthLabels(edges)), baselineMedian: median(bLengths) ?? 0, windowMedian: median(wLengths) ?? 0 },
  };
}
