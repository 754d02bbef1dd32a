import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createBankIndex } from '../../src/bank/bank-index.js';
import { loadBank } from '../../src/bank/load-bank.js';
import { sql } from 'kysely';
import { z } from 'zod';
import { createPostgresStore, createStore, type Store } from '../../src/store/store.js';
import { describeDatabaseUrl } from '../../src/store/postgres.js';
import { candidateRequests, type CandidateStats, percentile } from './candidates.js';
import { freshDatabase } from './fresh-database.js';
import { AppStats, ask, Drained, heapAfterGc, StubStats, startThread } from './threads.js';

/**
 * `npm run load`: the coach in this process, on a thread of its own, with the LLM judge pointed at the
 * stub LLM on 127.0.0.1 (another thread; each reply after --delay-ms), driven from the main thread by
 * autocannon with --connections simulated candidates for --duration seconds. Everything stays on the
 * loopback interface and the run stops by itself.
 *
 * `--postgres <url>`: the same run on PostgreSQL, with `--instances` coaches (default 2), each on its own
 * thread and all on one new database created on that server for the run (and dropped after it); the
 * candidates are spread evenly over the instances, each instance with its own LLM limit, one stub LLM.
 */
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '200' },
    duration: { type: 'string', default: '30' },
    'delay-ms': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '4' },
    'queue-max': { type: 'string', default: '32' },
    questions: { type: 'string', default: '2' },
    postgres: { type: 'string' },
    instances: { type: 'string' },
  },
});
const int = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: not a whole number: ${values[name]}`);
  return n;
};
const connections = int('connections');
const duration = Math.min(int('duration'), 600);
const concurrency = int('concurrency');
const queueMax = int('queue-max');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const dir = mkdtempSync(join(tmpdir(), 'coach-load-'));
const pgDatabase = values.postgres ? await freshDatabase(values.postgres, 'coach_load') : null;
const instances = values.instances === undefined ? (pgDatabase ? 2 : 1) : int('instances');
if (instances < 1 || (instances > 1 && !pgDatabase)) throw new Error('--instances: more than one needs --postgres (SQLite serves one process per file)');
const stub = await startThread('./stub-thread.ts', { delayMs: int('delay-ms') });
const database = pgDatabase ? { DATABASE_URL: pgDatabase.url } : { DB_PATH: join(dir, 'load.db') };
const apps = [];
for (let i = 0; i < instances; i++) {
  apps.push(
    await startThread('./app-thread.ts', {
      JUDGE: 'llm',
      OPENAI_BASE_URL: stub.url,
      ...database,
      LLM_CONCURRENCY: String(concurrency),
      LLM_QUEUE_MAX: String(queueMax),
      // Raised so the rate limits do not shape the run: every candidate comes from 127.0.0.1, one bucket.
      RATE_LIMIT_PER_MIN: '100000000',
      RATE_LIMIT_READS_PER_MIN: '100000000',
    }),
  );
}
const app = apps[0];
if (!app) throw new Error('no instance started');

console.log(`load test: ${connections} candidates for ${duration} s against ${apps.map((a) => a.url).join(' and ')} (each app on its own thread)`);
console.log(`  stub LLM at ${stub.url}, ${values['delay-ms']} ms a reply; per instance LLM_CONCURRENCY=${concurrency}, LLM_QUEUE_MAX=${queueMax}`);
console.log(
  `  rate limits raised to 100000000/min so they do not shape the run; ${pgDatabase ? `PostgreSQL database ${describeDatabaseUrl(pgDatabase.url)}, made for the run` : 'SQLite file in a temporary folder'}`,
);

const rssSamples: number[] = [];
const mainHeapStart = heapAfterGc();
let heapWarm = 0;
const rssSampler = setInterval(() => {
  rssSamples.push(process.memoryUsage().rss);
  if (rssSamples.length === 5) void ask(app.worker, 'stats', AppStats).then((s) => (heapWarm = s.heapUsed));
}, 1000);
const heapStart = (await ask(app.worker, 'stats', AppStats)).heapUsed;
const bank = createBankIndex(loadBank());
const rssStart = process.memoryUsage().rss;

const stats: CandidateStats = { sessionsStarted: 0, answers: {}, answerErrors: {}, latencies: {} };
// One autocannon per instance, the candidates split evenly, all counting into the same stats.
const results = await Promise.all(
  apps.map((a, i) =>
    autocannon({
      url: a.url,
      connections: Math.floor(connections / instances) + (i < connections % instances ? 1 : 0),
      duration,
      timeout: 30,
      requests: candidateRequests(bank, int('questions'), stats),
    }),
  ),
);
const result = results[0];
if (!result) throw new Error('no load was run');
clearInterval(rssSampler);
const heapEnd = (await ask(app.worker, 'stats', AppStats)).heapUsed;
const rssEnd = process.memoryUsage().rss;
const mainHeapEnd = heapAfterGc();
const { external, arrayBuffers } = process.memoryUsage();
const drainedAll = await Promise.all(apps.map((a) => ask(a.worker, 'drain', Drained)));
const llm = await ask(stub.worker, 'stats', StubStats);
stub.worker.postMessage('close');
// Every instance has drained and closed the database: read it as it was left.
const reader: Store = pgDatabase ? await createPostgresStore({ url: pgDatabase.url }) : createStore({ path: join(dir, 'load.db') });
const { rows } = await sql`SELECT COUNT(*) AS n FROM turns WHERE failure_reason = 'overloaded'`.execute(reader.db);
const drained = {
  graceful: drainedAll.every((d) => d.graceful),
  maxQueued: Math.max(...drainedAll.map((d) => d.maxQueued)),
  turns: await reader.turns.countByStatus(),
  overloaded: z.object({ n: z.number() }).parse(rows[0]).n,
};
await reader.close();
await pgDatabase?.drop();
rmSync(dir, { recursive: true, force: true });
const llmBound = concurrency * instances;

const statusCounts: Record<string, number> = {};
for (const r of results) for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statusCounts[k] = (statusCounts[k] ?? 0) + (v.count ?? 0);
const total = (f: (r: autocannon.Result) => number) => results.reduce((sum, r) => sum + f(r), 0);
const acknowledged = Object.values(stats.answers).reduce((a, b) => a + b, 0);
console.log('');
console.log(`requests/s        ${total((r) => r.requests.average).toFixed(1)} (mean over the run, all instances), ${total((r) => r.requests.total)} requests in ${result.duration.toFixed(1)} s`);
for (const [i, r] of results.entries()) console.log(`latency, all${instances > 1 ? ` (instance ${i + 1})` : ''}  p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms`);
for (const [kind, list] of Object.entries(stats.latencies).sort()) {
  const p = (q: number) => percentile(list, q)?.toFixed(0);
  console.log(`  ${kind.padEnd(22)} p50 ${p(50)} ms, p99 ${p(99)} ms, max ${p(100)} ms (${list.length})`);
}
// A timeout is a request with no response within autocannon's 30 s: reported, not a failed run, since
// under this overload it measures the server (a saturated event loop accepts new connections slowly).
console.log(`status codes      ${JSON.stringify(statusCounts)}; no response within 30 s: ${total((r) => r.timeouts)}, other connection errors: ${total((r) => r.errors - r.timeouts)}`);
console.log(`sessions started  ${stats.sessionsStarted}`);
console.log(`answers (200)     ${acknowledged}: ${JSON.stringify(stats.answers)}; other statuses ${JSON.stringify(stats.answerErrors)}`);
console.log(`turns in the DB   ${JSON.stringify(drained.turns)} (overloaded: ${drained.overloaded}), read after the server drained`);
console.log(`LLM calls         ${llm.completions} answered by the stub; most at once ${llm.maxInFlight} (LLM_CONCURRENCY ${concurrency} x ${instances} instance(s)); most waiting in one instance ${drained.maxQueued} (LLM_QUEUE_MAX ${queueMax})`);
console.log(`RSS (process)     start ${mb(rssStart)}, after 5 s ${mb(rssSamples[4] ?? rssStart)}, end ${mb(rssEnd)}, peak ${mb(Math.max(rssStart, rssEnd, ...rssSamples))}`);
const gcNote = typeof (globalThis as { gc?: unknown }).gc === 'function' ? ' (after a full GC)' : ' (no --expose-gc: garbage included)';
console.log(`load-gen JS heap  start ${mb(mainHeapStart)}, end ${mb(mainHeapEnd)}; process external ${mb(external)} (array buffers ${mb(arrayBuffers)})`);
console.log(`rss by second     ${rssSamples.map((r) => (r / 1024 / 1024).toFixed(0)).join(' ')}`);
console.log(`app JS heap       start ${mb(heapStart)}, after 5 s ${mb(heapWarm)}, end ${mb(heapEnd)}${gcNote}`);

const problems = [
  llm.maxInFlight > llmBound ? `the stub saw ${llm.maxInFlight} concurrent calls, over LLM_CONCURRENCY x instances (${llmBound})` : '',
  acknowledged > drained.turns.graded + drained.turns.failed ? `${acknowledged} answers acknowledged but only ${drained.turns.graded + drained.turns.failed} turns graded or failed` : '',
  drained.turns.pending > 0 ? `${drained.turns.pending} turn(s) still pending after the drain` : '',
  !drained.graceful ? 'the server did not drain within 60 s' : '',
  llm.inFlight !== 0 ? `${llm.inFlight} LLM call(s) still open` : '',
].filter(Boolean);
if (problems.length) {
  console.log(`FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('ok: the concurrency bound held and every received answer is stored, graded or failed with a reason');
