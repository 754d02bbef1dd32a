import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { createDriftMonitor } from '../src/monitoring/drift-monitor.js';
import { createStore } from '../src/store/store.js';

/** Goal: the served `grade()` (variant routing, metrics, grade log on disk) keeps the embedded judge's goal. */
export const SERVED_GOAL_PER_SECOND = 2000;
/** Goal: one drift check over a grade log of GRADE_LOG_ROWS rows, in milliseconds (it runs on each scrape). */
export const DRIFT_GOAL_MS = 100;
const GRADE_LOG_ROWS = 100_000;

/** Embedded grades per second through the served `grade()` of `composeServices`, with a database file. */
async function servedGradesPerSecond(dir: string, seconds = 3): Promise<number> {
  const s = composeServices(loadConfig({ DB_PATH: join(dir, 'served.db') }), { warn: () => undefined, processMetrics: false });
  const request = (i: number) => ({ questionId: 'data-drift', answer: `Production inputs shift away from the training distribution; we compare feature distributions with PSI (${i}).` });
  for (let i = 0; i < 200; i++) await s.grade(request(i));
  let n = 0;
  const started = performance.now();
  while (performance.now() < started + seconds * 1000) await s.grade(request(n++));
  const perSecond = n / ((performance.now() - started) / 1000);
  await s.served.flush();
  await s.store.close();
  return perSecond;
}

/** Milliseconds of one drift check (overall and 34 questions) over a log of GRADE_LOG_ROWS scored grades. */
async function driftCheckMs(dir: string): Promise<number> {
  const store = createStore({ path: join(dir, 'drift.db') });
  await store.transaction(async (tx) => {
    const rows = Array.from({ length: GRADE_LOG_ROWS }, (_, i) => ({
        at: new Date(1_700_000_000_000 + i * 1000).toISOString(), source: 'api', role: 'served', variant: 'A', judgeKind: 'llm', model: 'm',
        promptName: 'default', promptVersion: 'v', sessionId: null, turnId: null, questionId: `q${i % 34}`, pairId: null, answerChars: 300,
        answerWords: 10 + (i % 90), outcome: 'scored', reason: null, score: 1 + (i % 5), rawScore: 1 + (i % 5), inconsistent: false,
        promptTokens: 3000, completionTokens: 300, latencyMs: 900, grade: null,
      }) as const);
    // In chunks: SQLite binds at most 32,766 parameters in one statement.
    for (let i = 0; i < rows.length; i += 1000) await tx.gradeEvents.insertMany(rows.slice(i, i + 1000));
  });
  const monitor = createDriftMonitor({ events: store.gradeEvents, targets: [{ variant: 'A', judgeKind: 'llm', model: 'm', promptName: 'default', promptVersion: 'v' }], log: { warn: () => undefined, info: () => undefined } });
  await monitor.report();
  const runs = 20;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await monitor.report();
  const ms = (performance.now() - started) / runs;
  await store.close();
  return ms;
}

export async function main(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'coach-bench-monitoring-'));
  try {
    const perSecond = await servedGradesPerSecond(dir);
    const ms = await driftCheckMs(dir);
    const servedRatio = perSecond / SERVED_GOAL_PER_SECOND;
    const driftRatio = DRIFT_GOAL_MS / ms;
    console.log(`served grade(): ${Math.round(perSecond)} embedded grades/s with the grade log on disk; ratio to goal ${SERVED_GOAL_PER_SECOND}/s = ${servedRatio.toFixed(2)} (${servedRatio >= 1 ? 'met' : 'NOT met'})`);
    console.log(`drift check over ${GRADE_LOG_ROWS} grades, 34 questions: ${ms.toFixed(1)} ms; ratio to goal ${DRIFT_GOAL_MS} ms = ${driftRatio.toFixed(2)} (${driftRatio >= 1 ? 'met' : 'NOT met'})`);
    return servedRatio >= 1 && driftRatio >= 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
