import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { artifactId, CALIBRATION_FORMAT, CalibrationArtifact } from '../src/grading/calibration-artifact.js';
import type { EvalReport } from './report.js';

/**
 * The calibration artifact of a report: the isotonic map fitted on every scored item, labelled with the
 * judge it is valid for and the data it was fitted on. Validated with the schema the server loads it with.
 */
export function artifactFromReport(report: EvalReport, datasetLabel: string, now: Date = new Date()): CalibrationArtifact {
  if (report.calibrationMap.length === 0) throw new RangeError('no scored items to fit a calibration on');
  return CalibrationArtifact.parse({
    format: CALIBRATION_FORMAT,
    schemaVersion: 1,
    id: artifactId(report.judge, report.calibrationMap),
    judge: report.judge,
    method: 'isotonic',
    fittedAt: now.toISOString(),
    fittedOn: { dataset: datasetLabel, items: report.n, sha256: report.config.dataSha256, humanScale: report.config.scale },
    points: report.calibrationMap,
  });
}

export function writeArtifact(path: string, artifact: CalibrationArtifact): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(artifact, null, 2)}\n`);
}
