import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCoach, composeServices } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { artifactId, CALIBRATION_FORMAT, interpolate } from '../src/grading/calibration-artifact.js';
import { Grade } from '../src/grading/grade-schema.js';
import { roundScore } from '../src/grading/levels.js';
import { createEmbeddedJudge, EMBEDDED_MODEL } from '../src/judge/embedded/embedded-judge.js';

// What the embedded judge names itself with: its rules version and the id of its fitted weights.
const EMBEDDED_RULES_VERSION = createEmbeddedJudge().promptVersion;
import { postJson } from './helpers/app.js';

const points = [
  { raw: 1, calibrated: 1 },
  { raw: 3, calibrated: 2 },
  { raw: 5, calibrated: 5 },
];

function artifactFile(overrides: Record<string, unknown> = {}, judge = { kind: 'embedded', model: EMBEDDED_MODEL, promptVersion: EMBEDDED_RULES_VERSION }) {
  const artifact = {
    format: CALIBRATION_FORMAT,
    schemaVersion: 1,
    id: artifactId({ kind: 'embedded', model: judge.model, promptVersion: judge.promptVersion }, points),
    judge,
    method: 'isotonic',
    fittedAt: '2026-01-01T00:00:00.000Z',
    fittedOn: { dataset: 'test', items: 3, sha256: 'a'.repeat(64), humanScale: { min: 1, max: 5 } },
    points,
    ...overrides,
  };
  const path = join(mkdtempSync(join(tmpdir(), 'calibration-')), 'cal.json');
  writeFileSync(path, JSON.stringify(artifact));
  return { path, artifact };
}

const answer = { questionId: 'data-drift', answer: 'It is when the input data in production starts to look different from the training data, so the model can get worse.' };

describe('calibration artifact in the server', () => {
  it('applies a matching artifact to the raw score and names it on every grade', async () => {
    const { path, artifact } = artifactFile();
    const warnings: string[] = [];
    const services = buildCoach(loadConfig({ DB_PATH: ':memory:', CALIBRATION_PATH: path }), { warn: (m) => warnings.push(m) });
    expect(services.calibration?.id).toBe(artifact.id);
    const res = await postJson(services.app, '/api/grade', answer);
    const g = Grade.parse(await res.json());
    expect(g.judge.calibration).toBe(artifact.id);
    expect(g.rawScore).not.toBeNull();
    expect(g.score).toBe(roundScore(interpolate(points, g.rawScore!)));
    expect(g.score).not.toBe(g.rawScore); // this map moves every score strictly between 1 and 5
    expect(warnings).toEqual([]);
  });

  it('ignores a stale artifact (another rules version) with a warning, and never applies it', async () => {
    const { path } = artifactFile({}, { kind: 'embedded', model: EMBEDDED_MODEL, promptVersion: 'lexical-0' });
    const warnings: string[] = [];
    const services = composeServices(loadConfig({ DB_PATH: ':memory:', CALIBRATION_PATH: path }), { warn: (m) => warnings.push(m) });
    expect(services.calibration).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`fitted for embedded ${EMBEDDED_MODEL} lexical-0.*not applied`));
    const g = Grade.parse(await services.grade(answer));
    expect(g.judge.calibration).toBeNull();
    expect(g.score).toBe(g.rawScore);
  });

  it('ignores an artifact fitted for another judge kind or model', () => {
    for (const judge of [
      { kind: 'llm', model: EMBEDDED_MODEL, promptVersion: EMBEDDED_RULES_VERSION },
      { kind: 'embedded', model: 'other-model', promptVersion: EMBEDDED_RULES_VERSION },
    ]) {
      const warnings: string[] = [];
      expect(composeServices(loadConfig({ DB_PATH: ':memory:', CALIBRATION_PATH: artifactFile({}, judge).path }), { warn: (m) => warnings.push(m) }).calibration).toBeNull();
      expect(warnings).toHaveLength(1);
    }
  });

  it('refuses to start on a named file that is missing or invalid', () => {
    expect(() => composeServices(loadConfig({ DB_PATH: ':memory:', CALIBRATION_PATH: '/no/such/calibration.json' }))).toThrow(ConfigError);
    const decreasing = artifactFile({ points: [{ raw: 1, calibrated: 3 }, { raw: 2, calibrated: 2 }] });
    expect(() => composeServices(loadConfig({ DB_PATH: ':memory:', CALIBRATION_PATH: decreasing.path }))).toThrow(/monotone/);
    const wrongFormat = artifactFile({ format: 'something-else' });
    expect(() => composeServices(loadConfig({ DB_PATH: ':memory:', CALIBRATION_PATH: wrongFormat.path }))).toThrow(/format/);
  });
});
