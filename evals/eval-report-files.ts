import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactFromReport, writeArtifact } from './calibration-fit.js';
import { checkGate, type GateFile } from './gate.js';
import type { EvalReport } from './report.js';
import { reportHtml } from './report-html.js';
import { summaryText } from './summary-text.js';

export interface ReportOutput {
  /** Folder of report.json and report.html. */
  out: string;
  /** Per-item rows in items.jsonl beside report.json instead of inside it. */
  itemsJsonl: boolean;
  /** The labelled data the report graded, named in a fitted calibration. */
  data: string;
  /** `--fit-calibration FILE`: fit the calibration on the report's items and write it here. */
  fitCalibration: string | null;
  /** `--gate FILE`: its thresholds, read before grading, and the file's name. */
  gate: { file: string; thresholds: GateFile } | null;
  /** A line printed after the summary (the Batch API's costs). */
  extra: string | null;
}

/**
 * Report one run: skipped lines to stderr; report.json (and items.jsonl) and report.html written; the
 * summary to stdout; then the calibration fitted and the gate checked, when asked for. Returns the exit
 * code: 1 when the gate fails, else 0.
 */
export function writeEvalReport(report: EvalReport, o: ReportOutput, io: { stdout: (text: string) => void; err: (line: string) => void }): number {
  for (const l of report.invalidLines) io.err(`skipped ${l.source}: ${l.reason}`);
  if (report.skipped) io.err(`${report.skipped} invalid line(s) skipped; ${report.n + report.unscored.count} graded`);

  mkdirSync(o.out, { recursive: true });
  if (o.itemsJsonl) {
    writeFileSync(join(o.out, 'items.jsonl'), report.items.map((i) => `${JSON.stringify(i)}\n`).join(''));
    writeFileSync(join(o.out, 'report.json'), `${JSON.stringify({ ...report, items: [], itemsFile: 'items.jsonl' }, null, 2)}\n`);
  } else {
    writeFileSync(join(o.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
  writeFileSync(join(o.out, 'report.html'), reportHtml(report));
  io.stdout(`${summaryText(report)}\n${o.extra ? `${o.extra}\n` : ''}\nreport: ${join(o.out, 'report.json')} and report.html\n`);

  if (o.fitCalibration) {
    const artifact = artifactFromReport(report, o.data);
    writeArtifact(o.fitCalibration, artifact);
    io.stdout(`calibration ${artifact.id} (${artifact.points.length} knots, ${artifact.fittedOn.items} items) written to ${o.fitCalibration}\n`);
  }
  if (o.gate) {
    const result = checkGate(report, o.gate.thresholds);
    for (const p of result.passes) io.stdout(`gate ok:   ${p}\n`);
    for (const w of result.warnings) io.stdout(`gate WARN: ${w}\n`);
    for (const f of result.failures) io.stdout(`gate FAIL: ${f}\n`);
    io.stdout(result.passed ? `gate passed (${o.gate.file})\n` : `gate FAILED: ${result.failures.length} check(s) failed (${o.gate.file})\n`);
    if (!result.passed) return 1;
  }
  return 0;
}
