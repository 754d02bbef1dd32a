import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeServices } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { describeExperiment } from '../../src/experiments/experiment-config.js';
import { fakeJudgeHandler, LLM_BASE_URL, mswServer } from '../helpers/msw.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const compose = (env: Record<string, string>) => composeServices(loadConfig({ DB_PATH: ':memory:', ...env }), { processMetrics: false, warn: () => undefined });
const LLM = { OPENAI_BASE_URL: LLM_BASE_URL };
const ANSWER = 'Inputs in production stop looking like the training data, so we compare feature distributions with PSI.';

describe('prompt experiment configuration', () => {
  it('serves the candidate to the configured share and tags its grades', async () => {
    server.use(fakeJudgeHandler());
    const s = compose({ ...LLM, JUDGE_PROMPT_B: 'strict-levels', JUDGE_AB_SHARE: '1' });
    expect(s.experiment).toEqual({ promptA: 'default', promptB: 'strict-levels', share: 1, shadow: false });
    const g = await s.grade({ questionId: 'data-drift', answer: ANSWER });
    expect(g).toMatchObject({ variant: 'B', judge: { promptName: 'strict-levels' } });
    expect(g.judge.promptVersion).not.toBe(s.judge.promptVersion);
    expect(describeExperiment(s.experiment)).toBe('prompt experiment: A=default, B=strict-levels; B serves 100% of sessions and API requests');
  });

  it('serves another prompt version as A with JUDGE_PROMPT', async () => {
    server.use(fakeJudgeHandler());
    const s = compose({ ...LLM, JUDGE_PROMPT: 'strict-levels' });
    expect(s.experiment).toBeNull();
    expect(await s.grade({ questionId: 'data-drift', answer: ANSWER })).toMatchObject({ variant: 'A', judge: { promptName: 'strict-levels' } });
  });

  it.each([
    [{ JUDGE_PROMPT_B: 'strict-levels', JUDGE_AB_SHARE: '0.2' }, /JUDGE_PROMPT_B needs the LLM judge/],
    [{ JUDGE_PROMPT: 'strict-levels' }, /JUDGE_PROMPT=strict-levels needs the LLM judge/],
    [{ ...LLM, JUDGE_AB_SHARE: '0.2' }, /JUDGE_AB_SHARE needs JUDGE_PROMPT_B/],
    [{ ...LLM, JUDGE_SHADOW: 'true' }, /JUDGE_SHADOW needs JUDGE_PROMPT_B/],
    [{ ...LLM, JUDGE_PROMPT_B: 'strict-levels' }, /would grade nothing/],
    [{ ...LLM, JUDGE_PROMPT_B: 'stricter', JUDGE_SHADOW: 'true' }, /prompt version "stricter".*known versions: default, strict-levels/],
  ])('refuses to start with %j', (env, message) => {
    expect(() => compose(env)).toThrow(ConfigError);
    expect(() => compose(env)).toThrow(message);
  });

  it('names a bad share or prompt name as a configuration error', () => {
    expect(() => loadConfig({ JUDGE_AB_SHARE: '1.5' })).toThrow(/JUDGE_AB_SHARE/);
    expect(() => loadConfig({ JUDGE_PROMPT_B: '../etc' })).toThrow(/JUDGE_PROMPT_B: must be a prompt version name/);
    expect(() => loadConfig({ JUDGE_SHADOW: 'maybe' })).toThrow(/JUDGE_SHADOW/);
    expect(() => loadConfig({ DRIFT_BASELINE_SIZE: '5' })).toThrow(/DRIFT_BASELINE_SIZE/);
  });
});
