import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { createJudge as CreateJudge } from '../../src/compose.js';
import type { Config } from '../../src/config.js';
import { evalJudge } from '../eval-judge.js';
import type { ProgressStream } from '../progress.js';
import { reportHtml } from '../report-html.js';
import { type DatasetRun, runEval } from '../run-eval.js';
import { configFor, type JudgeSpec } from './judge-spec.js';
import { buildMatrix, type MatrixReport } from './matrix-report.js';
import { matrixHtml } from './matrix-text.js';

export interface MatrixOptions {
  specs: JudgeSpec[];
  /** The run's configuration; each judge takes its kind, model and prompt onto it. */
  config: Config;
  run: DatasetRun & { bootstrap: { resamples: number; seed: number } };
  cacheDir: string | null;
  replay: boolean;
  out: string;
  createJudge: typeof CreateJudge;
  stderr: ProgressStream;
  now: Date;
}

/**
 * `npm run eval -- --judges A,B,...`: grade the same items with each judge, one after the other, each built
 * by the server's factory from the run's configuration with its own kind, model and prompt, through the
 * same `grade()` and reply cache. Writes each judge's report under `out/<n>-<label>/`, then `matrix.json`
 * and `matrix.html`.
 */
export async function runMatrix(o: MatrixOptions): Promise<MatrixReport> {
  const runs = [];
  for (const [k, spec] of o.specs.entries()) {
    const { judge, runFields } = evalJudge(o.createJudge, configFor(spec, o.config), { cacheDir: o.cacheDir, replay: o.replay });
    o.stderr.write(`${spec.label}: grading with the ${judge.kind} judge ${judge.model} (${judge.promptVersion})\n`);
    const report = await runEval({ ...o.run, ...runFields, progress: o.stderr });
    const folder = `${k + 1}-${spec.label.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
    mkdirSync(join(o.out, folder), { recursive: true });
    writeFileSync(join(o.out, folder, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(o.out, folder, 'report.html'), reportHtml(report));
    runs.push({ label: spec.label, report, reportPath: `${folder}/report.json` });
  }
  const matrix = buildMatrix(runs, o.run.bootstrap, o.now);
  writeFileSync(join(o.out, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  writeFileSync(join(o.out, 'matrix.html'), matrixHtml(matrix));
  return matrix;
}
