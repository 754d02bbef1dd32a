import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildCoach } from '../../src/compose.js';
import { gradeTimeoutMs, loadConfig } from '../../src/config.js';
import { Grade } from '../../src/grading/grade-schema.js';
import { postJson } from '../helpers/app.js';
import type { FakeProvider } from './fake-provider.js';

/** A bank question and an answer that covers most of it, as a candidate would write it. */
export const ANSWER = {
  questionId: 'data-drift',
  answer:
    'Data drift is when the distribution of the inputs in production moves away from the training data, so the model sees data it was not trained on. ' +
    'I monitor it by comparing feature distributions between a training baseline and a recent window, with PSI or a KS test, and alert when the shift crosses a threshold; then I investigate and retrain on recent data.',
};

/** The coach as `main.ts` builds it, from environment variables only, with errors collected instead of logged. */
export function coach(env: Record<string, string>) {
  const errors: unknown[] = [];
  const config = loadConfig({ DB_PATH: ':memory:', JUDGE: 'llm', ...env });
  const services = buildCoach(config, { warn: () => undefined, processMetrics: false, logError: (e) => errors.push(e) });
  const { app } = services;
  return {
    /** The longest a grade may take: LLM_TIMEOUT_MS x (retries + 1), the SDK's backoff, and 1 s. */
    bound: gradeTimeoutMs(config),
    services,
    app,
    errors,
    close: async () => {
      await services.served.flush();
      await services.store.close();
    },
  };
}

export interface GradeResult {
  status: number;
  json: Record<string, unknown> & { error?: { code: string; message: string }; grade?: unknown };
  grade: Grade | null;
  ms: number;
}

// Margin over the grade's deadline for the HTTP round trip and the app around the grade.
const MARGIN_MS = 250;

/** POST /api/grade and time it; a grade that outlasts its deadline fails the test whatever it returned. */
export async function gradeOnce(c: Pick<ReturnType<typeof coach>, 'app' | 'bound'>, body: unknown = ANSWER): Promise<GradeResult> {
  const started = performance.now();
  const res = await postJson(c.app, '/api/grade', body);
  const json = (await res.json()) as GradeResult['json'];
  const ms = performance.now() - started;
  const candidate = res.status === 200 ? json : json.grade;
  const parsed = Grade.safeParse(candidate);
  if (ms > c.bound + MARGIN_MS) throw new Error(`the grade took ${Math.round(ms)} ms, over its bound of ${c.bound} + ${MARGIN_MS} ms`);
  return { status: res.status, json, grade: parsed.success ? parsed.data : null, ms };
}

/**
 * Calls and tokens per grade, measured at the fake: with PROVIDER_REPORT=<file>, one JSON line per graded
 * provider is appended to that file (see the provider table in docs/llm-judge.md).
 */
export function report(provider: string, fake: FakeProvider, since: { calls: number; promptTokens: number; completionTokens: number }, outcome: string): void {
  const file = process.env.PROVIDER_REPORT;
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const row = {
    provider,
    calls: fake.requests.length - since.calls,
    promptTokens: fake.billed.promptTokens - since.promptTokens,
    completionTokens: fake.billed.completionTokens - since.completionTokens,
    outcome,
  };
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/** What the fake has seen so far, to measure one grade's share. */
export function mark(fake: FakeProvider) {
  return { calls: fake.requests.length, promptTokens: fake.billed.promptTokens, completionTokens: fake.billed.completionTokens };
}
