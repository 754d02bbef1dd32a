import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGate, type GateFile, readGateFile } from '../evals/gate.js';
import { runEval } from '../evals/run-eval.js';
import { artifactFromReport } from '../evals/calibration-fit.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import { bank } from './helpers/app.js';

const report = await runEval({ data: 'test/fixtures/labelled-mini.jsonl', bank, judge: createEmbeddedJudge(), folds: 3 });

const gate = (over: Partial<GateFile> = {}): GateFile => ({
  version: 1,
  judge: 'embedded',
  minItems: 5,
  maxUnscored: 0,
  thresholds: { 'raw.qwk': { min: 0.3 }, 'raw.mae': { max: 1.5 } },
  adversarial: { tag: 'adversarial', maxScore: 2, exceptTags: [], knownBlindSpots: [] },
  ...over,
});

describe('CI gate', () => {
  it('passes when every number is within its threshold, and lists what it checked', () => {
    const r = checkGate(report, gate());
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.passes.join('\n')).toMatch(/raw\.qwk .* >= 0\.3/);
    expect(r.passes.join('\n')).toMatch(/2 adversarial items all score <= 2/);
  });

  it('fails with a message naming the metric, its value and the threshold', () => {
    const r = checkGate(report, gate({ thresholds: { 'raw.qwk': { min: 0.99 }, 'calibrated.rmse': { max: 0.01 } } }));
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([
      `raw.qwk is ${report.metrics.raw.qwk!.toFixed(3)}, below its threshold 0.99`,
      `calibrated.rmse is ${report.metrics.calibrated.rmse!.toFixed(3)}, above its threshold 0.01`,
    ]);
  });

  it('fails when an adversarial item scores above the cap, naming the item', () => {
    const r = checkGate(report, gate({ adversarial: { tag: 'partial', maxScore: 1, exceptTags: [], knownBlindSpots: [] } }));
    expect(r.passed).toBe(false);
    expect(r.failures[0]).toMatch(/^1 of 1 partial items score above 1:\n    m2 \(test\/fixtures\/labelled-mini\.jsonl:2; raw /);
    // an item that tests the other way can be exempted by one of its tags
    expect(checkGate(report, gate({ adversarial: { tag: 'partial', maxScore: 1, exceptTags: ['partial'], knownBlindSpots: [] } })).passed).toBe(true);
  });

  it('fails on too few items, another judge, or a calibration that no longer fits the judge', () => {
    expect(checkGate(report, gate({ minItems: 100 })).failures[0]).toMatch(/only 8 items scored/);
    expect(checkGate(report, gate({ judge: 'llm' })).failures[0]).toMatch(/gate is for the llm judge/);
    const stale = { ...artifactFromReport(report, 'x'), judge: { ...report.judge, promptVersion: 'lexical-0' } };
    const r = checkGate(report, gate({ calibrationArtifact: 'cal.json' }), () => stale);
    expect(r.failures.join("\n")).toMatch(/fitted for embedded-align lexical-0.*Refit with npm run eval/);
    const identity = { ...artifactFromReport(report, 'x'), points: [{ raw: 1, calibrated: 1 }, { raw: 5, calibrated: 5 }] };
    expect(checkGate(report, gate({ calibrationArtifact: 'cal.json' }), () => identity).passed).toBe(true);
  });

  it('checks adversarial items on the score the shipped calibration would show, not only the raw one', () => {
    // m3 (a wrong answer) scores low raw; a map that lifts every low score to 3 would show the candidate a 3.
    const lifting = { ...artifactFromReport(report, 'x'), points: [{ raw: 1, calibrated: 3 }, { raw: 2, calibrated: 3.5 }, { raw: 5, calibrated: 5 }] };
    const wrong = gate({ calibrationArtifact: 'cal.json', adversarial: { tag: 'wrong', maxScore: 2, exceptTags: [], knownBlindSpots: [] } });
    const m3 = report.items.find((i) => i.id === 'm3');
    expect(m3?.raw).toBeLessThanOrEqual(2);
    expect(checkGate(report, wrong, () => lifting).failures).toEqual([expect.stringMatching(/^1 of 1 wrong items score above 2:\n    m3 \(.*shown 3\.\d+/)]);
  });

  it('judges the shown score by the level it reads as: 2.3 is still a 2', () => {
    // m3 scores at most 2 raw (checked above): this map shows it between 2.3 and 2.4, which reads as a 2.
    const nudging = { ...artifactFromReport(report, 'x'), points: [{ raw: 1, calibrated: 2.3 }, { raw: 2, calibrated: 2.4 }, { raw: 5, calibrated: 5 }] };
    const wrong = gate({ calibrationArtifact: 'cal.json', adversarial: { tag: 'wrong', maxScore: 2, exceptTags: [], knownBlindSpots: [] } });
    expect(checkGate(report, wrong, () => nudging).failures).toEqual([]);
  });

  it('never lets calibration lift an answer over its rubric cap', () => {
    // m5 (keyword stuffing) is capped at 2 and m12 (injection) at 1 by the judge: the same lifting map shows them at their caps.
    const lifting = { ...artifactFromReport(report, 'x'), points: [{ raw: 1, calibrated: 3 }, { raw: 2, calibrated: 3.5 }, { raw: 5, calibrated: 5 }] };
    expect(report.items.find((i) => i.id === 'm5')?.cap).toBe(2);
    expect(report.items.find((i) => i.id === 'm12')?.cap).toBe(1);
    expect(checkGate(report, gate({ calibrationArtifact: 'cal.json' }), () => lifting).failures).toEqual([]);
  });

  it('reports a known blind spot as a warning instead of failing', () => {
    const blind = gate({ adversarial: { tag: 'partial', maxScore: 1, exceptTags: [], knownBlindSpots: ['partial'] } });
    const r = checkGate(report, blind);
    expect(r.passed).toBe(true);
    expect(r.warnings).toEqual([expect.stringMatching(/^known blind spot \(partial\): 1 of 1 items score above 1: m2 raw /)]);
  });

  it('refuses a gate file with an unknown metric', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gate-')), 'gate.json');
    writeFileSync(path, JSON.stringify({ ...gate(), thresholds: { 'raw.accuracy': { min: 1 } } }));
    expect(() => readGateFile(path)).toThrow(/raw\.accuracy|must be raw/);
  });
});
