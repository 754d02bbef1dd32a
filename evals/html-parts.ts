import type { CalibrationPoint } from '../src/grading/calibration-artifact.js';
import type { ItemResult } from './item-results.js';

/** Escape text for HTML element content and attribute values. Answers are untrusted: they always pass here. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(digits);

/** A plain HTML table; every cell is escaped. */
export function htmlTable(header: string[], rows: (string | number | null)[][], className = ''): string {
  const cell = (v: string | number | null) => (typeof v === 'number' || v === null ? `<td class="n">${num(v)}</td>` : `<td>${escapeHtml(v)}</td>`);
  return `<table class="${className}"><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Confusion matrix with cells shaded by count; rows are human levels, columns judge levels. */
export function confusionTable(m: number[][], title: string): string {
  const max = Math.max(1, ...m.flat());
  const rows = m
    .map(
      (row, i) =>
        `<tr><th>${i + 1}</th>${row
          .map((c, j) => `<td class="n cm${i === j ? ' diag' : ''}" style="background:rgba(37,99,235,${(0.08 + (0.7 * c) / max).toFixed(2)})">${c}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="cm"><caption>${escapeHtml(title)}</caption><thead><tr><th>human ↓ / judge →</th>${[1, 2, 3, 4, 5]
    .map((l) => `<th>${l}</th>`)
    .join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * Calibration plot: each item at (raw judge score, human score), jittered a little so equal points stay
 * visible, with the identity line (a perfectly calibrated judge) and the fitted isotonic map.
 */
export function calibrationSvg(items: readonly ItemResult[], map: readonly CalibrationPoint[]): string {
  const W = 460;
  const H = 460;
  const pad = 44;
  const sx = (v: number) => pad + ((v - 1) / 4) * (W - 2 * pad);
  const sy = (v: number) => H - pad - ((v - 1) / 4) * (H - 2 * pad);
  // Deterministic jitter from the item index, so the picture is the same on every run.
  const jitter = (i: number, k: number) => (((Math.sin(i * 12.9898 + k * 78.233) * 43758.5453) % 1) - 0.5) * 0.12;
  const grid = [1, 2, 3, 4, 5]
    .map(
      (v) =>
        `<line x1="${sx(v)}" y1="${sy(1)}" x2="${sx(v)}" y2="${sy(5)}" class="grid"/><line x1="${sx(1)}" y1="${sy(v)}" x2="${sx(5)}" y2="${sy(v)}" class="grid"/>` +
        `<text x="${sx(v)}" y="${H - pad + 18}" text-anchor="middle">${v}</text><text x="${pad - 10}" y="${sy(v) + 4}" text-anchor="end">${v}</text>`,
    )
    .join('');
  const dots = items
    .filter((i) => i.raw !== null && i.unscored === null)
    .map((it, k) => {
      const adv = it.tags.includes('adversarial');
      const title = `${it.id}: raw ${num(it.raw, 1)}, human ${num(it.human, 2)}`;
      return `<circle cx="${sx((it.raw ?? 1) + jitter(k, 1)).toFixed(1)}" cy="${sy(it.human + jitter(k, 2)).toFixed(1)}" r="3.5" class="${adv ? 'adv' : 'dot'}"><title>${escapeHtml(title)}</title></circle>`;
    })
    .join('');
  const curve = map.length ? `<polyline class="map" points="${map.map((p) => `${sx(p.raw).toFixed(1)},${sy(p.calibrated).toFixed(1)}`).join(' ')}"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="judge raw score against human score">
<style>.grid{stroke:#e5e7eb}.dot{fill:#2563eb;fill-opacity:.55}.adv{fill:#dc2626;fill-opacity:.7}.map{fill:none;stroke:#16a34a;stroke-width:2.5}.id{stroke:#9ca3af;stroke-dasharray:4 4}text{font:12px sans-serif;fill:#374151}</style>
${grid}<line x1="${sx(1)}" y1="${sy(1)}" x2="${sx(5)}" y2="${sy(5)}" class="id"/>${curve}${dots}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">judge raw score</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">human score (1..5)</text>
</svg>`;
}
