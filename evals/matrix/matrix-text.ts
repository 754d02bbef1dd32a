import { escapeHtml, htmlTable } from '../html-parts.js';
import type { Intervals } from '../cluster-bootstrap.js';
import type { MatrixReport } from './matrix-report.js';

const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(digits));
const withCi = (x: number | null, iv: [number, number] | null) => (iv ? `${num(x)} [${num(iv[0])}, ${num(iv[1])}]` : num(x));
const usd = (x: number | null) => (x === null ? '-' : `$${x.toFixed(4)}`);
const tokens = (t: { promptTokens: number; completionTokens: number } | null) => (t ? `${t.promptTokens} / ${t.completionTokens}` : '-');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const judgeHeader = ['judge', 'model (prompt)', 'n', 'unscored', 'pearson', 'qwk', 'mae', 'calibrated qwk', 'calls', 'tokens in / out', 'cost', 'time s'];
function judgeRows(m: MatrixReport): string[][] {
  return m.judges.map((j) => {
    const r = j.metrics.raw;
    const iv: Intervals = j.intervals.raw;
    return [
      j.label,
      `${j.model} (${j.promptVersion})`,
      String(j.n),
      String(j.unscored),
      withCi(r.pearson, iv.pearson),
      withCi(r.qwk, iv.qwk),
      withCi(r.mae, iv.mae),
      withCi(j.metrics.calibrated.qwk, j.intervals.calibrated.qwk),
      j.calls === null ? '-' : `${j.calls} (+${j.cacheHits ?? 0} cached)`,
      tokens(j.tokens),
      usd(j.costUsd),
      (j.wallMs / 1000).toFixed(2),
    ];
  });
}
const pairHeader = ['judge vs judge', 'n', 'pearson', 'qwk', 'mae', 'exact'];
const pairRows = (m: MatrixReport) =>
  m.pairs.map((p) => [`${p.a} vs ${p.b}`, String(p.agreement.n), withCi(p.agreement.pearson, p.intervals.pearson), withCi(p.agreement.qwk, p.intervals.qwk), withCi(p.agreement.mae, p.intervals.mae), withCi(p.agreement.exact, p.intervals.exact)]);

/** The matrix for the terminal: judges against the humans, judges against each other, top disagreements. */
export function matrixText(m: MatrixReport): string {
  const labels = m.judges.map((j) => j.label);
  return [
    table(judgeHeader, judgeRows(m)),
    `[raw scores against the human labels; 95% intervals: bootstrap over questions, ${m.config.resamples} resamples, seed ${m.config.seed}]`,
    '',
    table(pairHeader, pairRows(m)),
    '',
    table(
      ['most disagreement', 'human', ...labels],
      m.disagreements.slice(0, 8).map((d) => [d.id, num(d.human, 2), ...labels.map((l) => num(d.scores[l] ?? null, 1))]),
    ),
  ].join('\n');
}

/** matrix.html: the matrix first, then judge-vs-judge agreement and the items they disagree on most. */
export function matrixHtml(m: MatrixReport): string {
  const labels = m.judges.map((j) => j.label);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Judge matrix</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#111827}
h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb}.answer{white-space:pre-wrap;max-width:520px;font-size:13px}.muted{color:#6b7280}
</style></head><body>
<h1>Judge matrix</h1>
<p>${escapeHtml(m.config.data.join(', '))} · ${m.judges.length} judges · human scale ${m.config.scale.min}:${m.config.scale.max} mapped onto 1..5 · ${escapeHtml(m.createdAt)}</p>
<h2>Judges against the human labels</h2>
<p class="muted">Raw scores unless marked calibrated (${m.config.folds}-fold cross-validation by question). In brackets: 95% intervals from a bootstrap that resamples questions (${m.config.resamples} resamples, seed ${m.config.seed}).</p>
${htmlTable(judgeHeader, judgeRows(m))}
<p>${m.judges.map((j) => `<a href="${escapeHtml(j.report.replace(/report\.json$/, 'report.html'))}">${escapeHtml(j.label)}: full report</a>`).join(' · ')}</p>
<h2>Judges against each other</h2>
${htmlTable(pairHeader, pairRows(m))}
<h2>Where the judges disagree most</h2>
${htmlTable(
  ['id', 'question', 'human', ...labels, 'answer'],
  m.disagreements.map((d) => [d.id, d.question, d.human, ...labels.map((l) => d.scores[l] ?? null), d.answer]),
)}
</body></html>
`;
}
