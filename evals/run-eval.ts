import type { BankIndex } from '../src/bank/bank-index.js';
import { createGrader } from '../src/grading/grade.js';
import type { Judge } from '../src/judge/judge.js';
import type { ColumnMapping } from './csv-input.js';
import { loadDataset, type Scale } from './dataset.js';
import { costOf, type Price, priceOf } from './cost.js';
import { gradeItems } from './grade-items.js';
import { itemResults, type Refit } from './item-results.js';
import { embeddedRefit } from './embedded-refit.js';
import type { CacheStats } from './llm-cache.js';
import { CacheMissError } from './llm-cache.js';
import { createProgress, type ProgressStream } from './progress.js';
import { buildReport, type EvalReport, type LlmUsageSummary } from './report.js';

/**
 * What every run over one dataset shares, whichever judge grades it and however its calls are made (live,
 * matrix, batch, compare): parsed once from the command line.
 */
export type DatasetRun = Pick<RunEvalOptions, 'data' | 'columns' | 'bank' | 'scale' | 'folds' | 'concurrency' | 'limit' | 'price' | 'bootstrap'>;

export interface RunEvalOptions {
  /** A `.jsonl` or `.csv` file, or a folder of them. */
  data: string;
  /** CSV columns of each field (`--columns`). */
  columns?: ColumnMapping;
  bank: BankIndex;
  /** The judge to evaluate; graded through the production `grade()` without calibration, which the harness fits itself. */
  judge: Judge;
  scale?: Scale;
  /** Cross-validation folds, split by question. Default 5. */
  folds?: number;
  /** Items graded at once. Default 8. */
  concurrency?: number;
  /** Grade only the first N valid items. */
  limit?: number | null;
  /** Stats of the reply cache wrapped around the LLM judge's chat, when there is one. */
  llmStats?: (() => CacheStats) | null;
  /** Cache folder, for the record. */
  cacheDir?: string | null;
  replay?: boolean;
  price?: Price | null;
  /** Resamples and seed of the report's intervals. Default 1000 and 1. */
  bootstrap?: { resamples: number; seed: number };
  /** Where the progress bar goes; none when omitted. */
  progress?: ProgressStream;
  now?: () => number;
}

/**
 * Run one evaluation: load the labelled data, grade every valid item, and compute the report. Throws
 * `CacheMissError` in replay mode as soon as a request has no recorded reply.
 *
 * @example
 * const report = await runEval({ data: 'data/labelled', bank, judge: createEmbeddedJudge() });
 * console.log(report.metrics.raw.qwk);
 */
export async function runEval(options: RunEvalOptions): Promise<EvalReport> {
  const now = options.now ?? (() => performance.now());
  const scale = options.scale ?? { min: 1, max: 5 };
  const folds = options.folds ?? 5;
  const concurrency = options.concurrency ?? 8;
  const dataset = loadDataset(options.data, options.bank, scale, options.columns ?? {});
  const items = options.limit ? dataset.items.slice(0, options.limit) : dataset.items;
  if (items.length === 0) {
    const shown = dataset.invalid.slice(0, 5).map((l) => `\n  ${l.source}: ${l.reason}`).join('');
    const more = dataset.invalid.length > 5 ? `\n  ... and ${dataset.invalid.length - 5} more` : '';
    throw new RangeError(`${options.data}: no valid labelled items (${dataset.invalid.length} invalid lines)${shown}${more}`);
  }

  const grade = createGrader({ bank: options.bank, judge: options.judge });
  const started = now();
  const stats = options.llmStats ?? null;
  const graded = await gradeItems(items, {
    grade,
    concurrency,
    ...(options.progress ? { progress: createProgress(items.length, options.progress, now) } : {}),
    check: () => {
      const s = stats?.();
      return s && s.replayMisses > 0 ? new CacheMissError(s.firstMissKey ?? '', options.judge.model) : null;
    },
  });
  const wallMs = now() - started;

  // The embedded judge's weights were fitted on labelled data, maybe this very set: refit them (and the
  // calibration) in every fold so no reported number comes from weights that saw the scored questions.
  const refit = options.judge.kind === 'embedded' ? embeddedRefit(items, dataset.sha256, options.bank, folds, options.progress) : null;
  const { items: results, variants } = itemResults(graded, options.judge.kind, folds, refit?.scores as Refit | undefined);
  return buildReport({
    config: {
      data: dataset.files,
      dataSha256: dataset.sha256,
      dataFiles: dataset.fileHashes,
      scale,
      folds,
      concurrency,
      limit: options.limit ?? null,
      cache: options.cacheDir ?? null,
      replay: options.replay ?? false,
    },
    judge: { kind: options.judge.kind, model: options.judge.model, promptVersion: options.judge.promptVersion },
    invalid: dataset.invalid,
    items: results,
    variants,
    llm: stats ? llmSummary(stats(), priceOf(options.judge.model, options.price)) : null,
    refit: refit?.summary ?? null,
    wallMs,
    ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
  });
}

function llmSummary(s: CacheStats, price: Price | null): LlmUsageSummary {
  const all = {
    promptTokens: s.freshUsage.promptTokens + s.cachedUsage.promptTokens,
    completionTokens: s.freshUsage.completionTokens + s.cachedUsage.completionTokens,
  };
  return {
    providerCalls: s.providerCalls,
    cacheHits: s.hits,
    freshUsage: s.freshUsage,
    cachedUsage: s.cachedUsage,
    pricePerMillionTokens: price,
    costUsd: costOf(s.freshUsage, price),
    costWithoutCacheUsd: costOf(all, price),
  };
}
