import type { Breakdown } from './breakdowns.js';
import { calibrationSvg, confusionTable, escapeHtml, htmlTable, num } from './html-parts.js';
import type { Intervals } from './cluster-bootstrap.js';
import type { Agreement } from './metrics.js';
import type { EvalReport } from './report.js';

const COLUMNS: (keyof Agreement)[] = ['n', 'pearson', 'spearman', 'qwk', 'mae', 'rmse', 'exact', 'within1'];
const WORST = 15;
const ANSWER_CHARS = 1500;

/** Metrics of one row; with intervals, each metric is followed by its 95% interval in brackets. */
const agreementRow = (label: string, a: Agreement, iv?: Intervals | null) =>
  [label, ...COLUMNS.map((c) => {
    const range = c === 'n' ? null : iv?.[c];
    return range ? `${num(a[c])} [${num(range[0])}, ${num(range[1])}]` : a[c];
  })];

function breakdownTable(rows: Breakdown[], keyName: string): string {
  return htmlTable(
    [keyName, 'n', 'unscored', 'mean human', 'mean raw', 'mean calibrated', 'max raw', 'MAE raw', 'MAE calibrated', 'exact'],
    rows.map((b) => [b.key, b.n, b.unscored, b.meanHuman, b.meanRaw, b.meanCalibrated, b.maxRaw, b.mae, b.maeCalibrated, b.exact]),
  );
}

/** report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched). */
export function reportHtml(r: EvalReport): string {
  const j = r.judge;
  const metricRows = [
    agreementRow('judge raw', r.metrics.raw, r.intervals.raw),
    agreementRow(`judge calibrated (${r.config.folds}-fold CV by question)`, r.metrics.calibrated, r.intervals.calibrated),
  ];
  if (r.ceiling) metricRows.push(agreementRow(`human ceiling: rater vs other raters (${r.ceiling.items} items)`, r.ceiling));
  const worst = r.items
    .filter((i) => i.raw !== null && i.unscored === null)
    .map((i) => ({ i, gap: Math.abs((i.raw ?? 0) - i.human) }))
    .sort((a, b) => b.gap - a.gap || a.i.id.localeCompare(b.i.id))
    .slice(0, WORST);
  const b = r.baselines;
  const p = r.bias.position;
  const answer = (t: string) => escapeHtml(t.length > ANSWER_CHARS ? `${t.slice(0, ANSWER_CHARS)} … (${t.length} characters)` : t);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Judge evaluation: ${escapeHtml(`${j.kind} ${j.model}`)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#111827}
h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f9fafb}caption{text-align:left;font-weight:600;padding:4px 0}
table.cm td{width:42px;text-align:center}td.diag{font-weight:700}.flex{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}
.answer{white-space:pre-wrap;max-width:560px;font-size:13px}.muted{color:#6b7280}.bad{color:#b91c1c}
</style></head><body>
<h1>Judge evaluation: ${escapeHtml(`${j.kind} judge ${j.model}`)} <span class="muted">(${escapeHtml(j.promptVersion)})</span></h1>
<p>${escapeHtml(r.config.data.join(', '))} · ${r.n} items scored · ${r.skipped} lines skipped · ${r.unscored.count} unscored · human scale ${r.config.scale.min}:${r.config.scale.max} mapped onto 1..5 · ${escapeHtml(r.createdAt)}</p>

<h2>Agreement with human labels</h2>
<p class="muted">Calibrated numbers are out of sample: each item is calibrated by a map fitted on folds that do not contain its question. QWK, exact and within-1 use rounded levels. In brackets: 95% intervals from a bootstrap that resamples questions (${r.intervals.clusters} questions, ${r.intervals.resamples} resamples, seed ${r.intervals.seed}).</p>
${htmlTable(['', ...COLUMNS], metricRows)}

<h2>Ablation: what each mitigation adds</h2>
${htmlTable(['variant', ...COLUMNS], r.ablation.map((a, k) => agreementRow(a.variant, a, r.intervals.ablation[k])))}
${j.kind === 'embedded' ? '<p class="muted">The embedded judge grades in a single pass, so it has no position-swap rows.</p>' : ''}

<h2>Judge against surface-overlap baselines</h2>
<p class="muted">Correlation with the human score. ROUGE-L and BLEU only count words shared with the reference answer.</p>
${htmlTable(
  ['scorer', 'pearson', 'spearman'],
  [
    ['judge raw', b.judgeRaw.pearson, b.judgeRaw.spearman],
    ['judge calibrated', b.judgeCalibrated.pearson, b.judgeCalibrated.spearman],
    ['ROUGE-L F1 vs reference', b.rougeL.pearson, b.rougeL.spearman],
    ['BLEU-4 vs reference', b.bleu.pearson, b.bleu.spearman],
  ],
)}

<h2>Bias</h2>
<p>Verbosity: correlation of (judge − human) with answer length in words: raw ${num(r.bias.verbosity.raw)}, calibrated ${num(r.bias.verbosity.calibrated)} (positive means longer answers are over-scored).</p>
<p>Position: ${p ? `mean (reference-first − reference-last) ${num(p.meanDifference)}; share of grades whose two orders differ by 2 or more ${num(p.shareDiffering2OrMore)} (n ${p.n}).` : 'not applicable to a single-pass judge.'}</p>
${r.llm ? `<p>LLM calls: ${r.llm.providerCalls} to the provider, ${r.llm.cacheHits} from the cache; tokens billed ${r.llm.freshUsage.promptTokens} in / ${r.llm.freshUsage.completionTokens} out; cost ${r.llm.costUsd === null ? 'unknown' : `$${r.llm.costUsd.toFixed(4)}`}.</p>` : ''}

<h2>Judge against human</h2>
<div class="flex">${calibrationSvg(r.items, r.calibrationMap)}
<div><p class="muted">Blue: items; red: adversarial items. Dashed: a perfectly calibrated judge. Green: the isotonic map fitted on all items (what --fit-calibration writes).</p>
${confusionTable(r.confusion.raw, 'Levels, raw score')}${confusionTable(r.confusion.calibrated, 'Levels, calibrated score')}</div></div>

<h2>By tag</h2>
${breakdownTable(r.byTag, 'tag')}
<h2>By question</h2>
${breakdownTable(r.byQuestion, 'question')}

<h2>Worst disagreements (by |raw − human|)</h2>
<table><thead><tr><th>id</th><th>question</th><th>human</th><th>raw</th><th>calibrated</th><th>tags / flags</th><th>answer</th></tr></thead><tbody>
${worst
  .map(
    ({ i }) =>
      `<tr><td>${escapeHtml(i.id)}</td><td>${escapeHtml(i.question)}</td><td class="n">${num(i.human, 2)}</td><td class="n">${num(i.raw, 1)}</td><td class="n">${num(i.calibrated, 2)}</td>` +
      `<td>${escapeHtml([...i.tags, ...i.flags.map((f) => `flag:${f}`)].join(', '))}</td><td class="answer">${answer(i.answer)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
${r.unscored.count ? `<h2 class="bad">Unscored items</h2>${htmlTable(['id', 'reason', 'detail'], r.unscored.items.map((u) => [u.id, u.reason, u.detail]))}` : ''}
${r.skipped ? `<h2 class="bad">Skipped lines</h2>${htmlTable(['line', 'reason'], r.invalidLines.map((l) => [l.source, l.reason]))}` : ''}
</body></html>
`;
}
