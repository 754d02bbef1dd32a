import type { Intervals } from './cluster-bootstrap.js';
import type { Agreement } from './metrics.js';
import type { EvalReport } from './report.js';

const COLUMNS: (keyof Agreement)[] = ['n', 'pearson', 'spearman', 'qwk', 'mae', 'rmse', 'exact', 'within1'];

const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(digits));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A row of metrics; with intervals, each metric is followed by its 95% interval in brackets. */
const agreementRow = (label: string, a: Agreement, iv?: Intervals | null) =>
  [label, ...COLUMNS.map((c) => {
    const range = c === 'n' ? null : iv?.[c];
    return range ? `${num(a[c])} [${num(range[0])}, ${num(range[1])}]` : num(a[c]);
  })];

/** The report's headline numbers as plain-text tables, for the terminal and CI logs. */
export function summaryText(report: EvalReport): string {
  const out: string[] = [];
  const j = report.judge;
  out.push(`judge ${j.kind} ${j.model} (${j.promptVersion}); ${report.n} items scored, ${report.skipped} lines skipped, ${report.unscored.count} unscored`);
  if (report.unscored.count) out.push(`unscored: ${Object.entries(report.unscored.reasons).map(([r, n]) => `${r} ${n}`).join(', ')}`);
  const refit = report.refit;
  const iv = report.intervals;
  const rows = [
    agreementRow(refit ? `judge (${refit.folds}-fold CV, refitted)` : 'raw', report.metrics.raw, iv.raw),
    agreementRow(`calibrated (${report.config.folds}-fold CV)`, report.metrics.calibrated, iv.calibrated),
  ];
  if (report.ceiling) rows.push(agreementRow(`human ceiling: rater vs rater (${report.ceiling.items} items)`, report.ceiling));
  out.push('', table(['agreement with humans (mean)', ...COLUMNS], rows));
  out.push(`[95% intervals: bootstrap over ${iv.clusters} questions, ${iv.resamples} resamples, seed ${iv.seed}]`);
  const s = report.config.scale;
  if (s.max - s.min !== 4) out.push(`scores are on the judge's 1..5; on the data's ${s.min}..${s.max}, mae and rmse are ${num((s.max - s.min) / 4)} times these`);
  if (refit) {
    out.push(
      `weights refitted in every fold (ridge, lambda ${refit.lambda}) on the other folds` +
        (refit.extra.length ? ` plus ${refit.extra.map((e) => `${e.dataset} (${e.items})`).join(', ')}` : '') +
        (refit.missing.length ? `; not found, left out: ${refit.missing.join(', ')}` : ''),
    );
  }
  out.push('', table(['ablation', ...COLUMNS], report.ablation.map((a, k) => agreementRow(a.variant, a, iv.ablation[k]))));
  if (report.byTag.length > 1 || report.byTag[0]?.key !== '(untagged)') {
    out.push(
      '',
      table(
        ['by tag', 'n', 'human', 'judge', 'max', 'mae', 'exact'],
        report.byTag
          .filter((t) => t.n > 0)
          .slice(0, 40)
          .map((t) => [t.key, String(t.n), num(t.meanHuman, 2), num(t.meanRaw, 2), num(t.maxRaw, 2), num(t.mae), num(t.exact)]),
      ),
    );
    if (report.byTag.length > 40) out.push(`(${report.byTag.length - 40} more tags in report.json)`);
  }
  const b = report.baselines;
  out.push(
    '',
    table(
      ['vs human', 'pearson', 'spearman'],
      [
        ['judge raw', num(b.judgeRaw.pearson), num(b.judgeRaw.spearman)],
        ['judge calibrated', num(b.judgeCalibrated.pearson), num(b.judgeCalibrated.spearman)],
        ['ROUGE-L', num(b.rougeL.pearson), num(b.rougeL.spearman)],
        ['BLEU', num(b.bleu.pearson), num(b.bleu.spearman)],
      ],
    ),
  );
  const p = report.bias.position;
  out.push('', `verbosity bias (corr. of judge-human with length): raw ${num(report.bias.verbosity.raw)}, calibrated ${num(report.bias.verbosity.calibrated)}`);
  if (p) out.push(`position bias: mean(ref-first - ref-last) ${num(p.meanDifference)}, orders differing by 2+: ${num(p.shareDiffering2OrMore)} (n ${p.n})`);
  if (report.llm) {
    const l = report.llm;
    const tokens = (u: { promptTokens: number; completionTokens: number }) => `${u.promptTokens} in / ${u.completionTokens} out`;
    out.push(
      `LLM: ${l.providerCalls} provider calls, ${l.cacheHits} cache hits; tokens billed ${tokens(l.freshUsage)}, from cache ${tokens(l.cachedUsage)}; ` +
        `cost ${l.costUsd === null ? 'unknown (no price for this model; pass --price IN:OUT)' : `$${l.costUsd.toFixed(4)}`}` +
        (l.costWithoutCacheUsd === null ? '' : ` (without cache $${l.costWithoutCacheUsd.toFixed(4)})`),
    );
  }
  out.push(`wall time ${(report.timing.wallMs / 1000).toFixed(2)} s, ${report.timing.itemsPerSecond.toFixed(1)} items/s`);
  return out.join('\n');
}
