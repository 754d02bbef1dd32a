import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorBody } from '../src/http/schemas.js';
import { post, securedApp } from './helpers/secured-app.js';
import { sqliteOf } from './helpers/app.js';

/**
 * Property-based fuzzing of every route: generated bodies, query strings and headers (fast-check, fixed
 * seed, bounded in time). Whatever is sent: no 5xx, every 4xx is a JSON error naming a field, and a
 * rejected request stores nothing.
 */
const SEED = 20261201;
const TIME_LIMIT_MS = 15_000;
const MAX_RUNS = 3000;

const KEY = 'fuzz-key-0123456789';
const open = securedApp({ RATE_LIMIT_PER_MIN: '1000000', RATE_LIMIT_READS_PER_MIN: '1000000', AUTH_FAILURES_PER_MIN: '1000000' });
const keyed = securedApp({ API_KEYS: KEY, RATE_LIMIT_PER_MIN: '1000000', RATE_LIMIT_READS_PER_MIN: '1000000', AUTH_FAILURES_PER_MIN: '1000000' });
type Target = typeof open;

/** Real ids of each app, so the fuzz reaches past the 404s: a session with a turn, and a question. */
async function seed(t: Target, auth: Record<string, string>) {
  const started = (await (await post(t.app, '/api/sessions', { count: 3 }, auth)).json()) as { session: { id: string } };
  const answered = (await (await post(t.app, `/api/sessions/${started.session.id}/answers`, { answer: 'Drift is a change in inputs.' }, auth)).json()) as { turn: { id: string } };
  return { session: started.session.id, turn: answered.turn.id };
}

/** Whether `encodeURIComponent` can take it (no lone surrogate). */
const wellFormed = (s: string) => !/\p{Cs}/u.test(s);

const tables = ['sessions', 'turns', 'llm_calls', 'grade_events'] as const;
const rows = (t: Target) => tables.map((name) => Number(sqliteOf(t.store).prepare(`SELECT count(*) FROM ${name}`).pluck().get()));

const tricky = fc.constantFrom('\ud800', '\udfff', '\u200b', '\u0000', '\u0085', '\u202e', '\u{e0041}', '\ufeff', '📈', 'é', '\n', '\t', '"', '\\', '<script>', '__proto__', 'constructor');
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(tricky, fc.string({ maxLength: 5 })), { maxLength: 12 }).map((xs) => xs.join('')),
  fc.constantFrom('data-drift', 'data-drift.follow-up', 'feature-store', 'What is data drift?', 'Inputs in production move away from the training data.'),
  fc.integer({ min: 7990, max: 8010 }).map((n) => 'a'.repeat(n)),
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(text, tie('v'), { maxKeys: 3 })),
})).v;
const fieldNames = fc.constantFrom('questionId', 'answer', 'question', 'referenceAnswer', 'rubric', 'retry', 'topic', 'type', 'difficulty', 'count', '__proto__', 'extra');
const rubric = fc.record({ keyPoints: fc.array(fc.record({ id: text, statement: text, weight: fc.oneof(fc.double(), fc.integer()) }, { requiredKeys: [] }), { maxLength: 3 }) }, { requiredKeys: [] });

/** What is sent as the body: a likely-shaped object, any JSON, text that may not be JSON, or raw bytes. */
const body = fc.oneof(
  fc.dictionary(fieldNames, fc.oneof(value, rubric), { maxKeys: 5 }).map((o) => JSON.stringify(o)),
  fc.record({ questionId: text, answer: text }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.record({ question: text, referenceAnswer: text, answer: text, rubric }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  value.map((v) => JSON.stringify(v)),
  // JSON escapes of lone surrogates, as a client may write them.
  fc.constantFrom('{"answer":"\\ud800"}', '{"questionId":"data-drift","answer":"x\\udc00y"}', '{"topic":"\\udbff"}'),
  fc.string({ maxLength: 60 }),
  fc.uint8Array({ maxLength: 60 }),
  fc.constant(undefined),
);
const query = fc.dictionary(
  fc.constantFrom('topic', 'type', 'difficulty', 'reveal', 'since', 'colour', 'answer', '__proto__'),
  fc.oneof(text.filter(wellFormed).map(encodeURIComponent), fc.constantFrom('%FF', '%ED%A0%80', '%', '%zz', '1', 'true', '2026-01-01T00:00:00Z', 'easy')),
  { maxKeys: 3 },
);
/** A header left out `absent` times in `absent + 1`, else one of `xs` (the first one most). */
const headerValue = (xs: string[], absent = 1) =>
  fc.oneof({ weight: absent * 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(xs[0]) }, { weight: 1, arbitrary: fc.constantFrom(...xs) });
const headers = fc.record({
  'content-type': headerValue(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', '']),
  authorization: headerValue([`Bearer ${KEY}`, 'Bearer wrong', `Bearer\u00a0${KEY}`, `bearer  ${KEY}`, 'Basic Zm9vOmJhcg==', 'Bearer page.1.x', 'Bearer', '']),
  origin: headerValue(['http://localhost', 'https://evil.example', 'null', 'not a url'], 4),
  'sec-fetch-site': headerValue(['same-origin', 'cross-site', 'same-site', 'none'], 4),
  'x-forwarded-for': headerValue(['2001:db8::1', '::ffff:192.0.2.1', 'garbage', '']),
});
const host = fc.oneof({ weight: 12, arbitrary: fc.constant('localhost') }, { weight: 1, arbitrary: fc.constantFrom('127.0.0.1:8787', '[::1]', 'evil.example', 'localhost.') });

describe('fuzzing every route', () => {
  it('never answers 5xx, names a field in every 4xx, and stores nothing from a rejected request', async () => {
    const ids = { open: await seed(open, {}), keyed: await seed(keyed, { authorization: `Bearer ${KEY}` }) };
    const routes = [...new Map(open.app.routes.filter((r) => r.method !== 'ALL').map((r) => [`${r.method} ${r.path}`, r])).values()];
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const param = (name: string, which: 'open' | 'keyed') =>
      fc.oneof(
        fc.constant(name === 'file' ? 'swagger-ui.css' : name === 'name' ? 'chat.js' : name === 'id' ? ids[which].session : 'x'),
        fc.constant(ids[which].turn),
        fc.constantFrom('data-drift', '__proto__', 'constructor', 'toString', '..', '%2e%2e', '%FF'),
        text.filter(wellFormed).map(encodeURIComponent),
      );
    const request = fc
      .record({ route: fc.constantFrom(...routes), which: fc.oneof({ weight: 2, arbitrary: fc.constant('open' as const) }, { weight: 1, arbitrary: fc.constant('keyed' as const) }), host, query, headers, body })
      .chain((r) => {
        const names = [...r.route.path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
        return fc.tuple(...names.map((n) => param(n, r.which))).map((values) => ({ ...r, values }));
      });

    const seen = new Map<number, number>();
    const started = performance.now();
    const result = await fc.check(
      fc.asyncProperty(request, async (r) => {
        const target = r.which === 'open' ? open : keyed;
        let i = 0;
        const path = r.route.path.replace(/:(\w+)/g, () => r.values[i++] ?? 'x');
        const qs = Object.entries(r.query).map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
        const hdrs = Object.fromEntries(Object.entries(r.headers).filter(([, v]) => v !== undefined)) as Record<string, string>;
        const sendsBody = r.route.method === 'POST' && r.body !== undefined;
        const before = rows(target);
        const res = await target.app.request(`http://${r.host}${path}${qs ? `?${qs}` : ''}`, {
          method: r.route.method,
          headers: hdrs,
          ...(sendsBody && r.body !== undefined ? { body: r.body } : {}),
        });
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        const text = await res.text();
        const where = `${r.route.method} ${path}?${qs} -> ${res.status} ${text.slice(0, 300)}`;
        if (res.status >= 500) throw new Error(`5xx: ${where}`);
        if (res.status >= 400) {
          const parsed = ErrorBody.safeParse(JSON.parse(text));
          if (!parsed.success) throw new Error(`not a JSON error: ${where}`);
          const field = parsed.data.error.issues?.[0]?.field;
          if (!field) throw new Error(`no field named: ${where}`);
          const after = rows(target);
          if (after.join() !== before.join()) throw new Error(`stored ${before} -> ${after} on a rejected request: ${where}`);
        }
      }),
      { seed: SEED, numRuns: MAX_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
    );
    const ms = performance.now() - started;
    console.log(`fuzz: ${result.numRuns} cases in ${(ms / 1000).toFixed(1)} s (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0])))}`);
    if (result.failed) throw new Error(`${fc.defaultReportMessage(result)}`);
    expect(open.errors.concat(keyed.errors)).toEqual([]);
    // Enough cases ran to mean something, and the generators reach past the guards.
    expect(result.numRuns).toBeGreaterThanOrEqual(200);
    expect([...seen.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 415, 421]));
  }, 60_000);
});
