import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresStore, type Store } from '../src/store/store.js';
import { postJson, testCoach } from './helpers/app.js';
import { describePostgres, freshDatabase } from './helpers/postgres.js';
import { goodAnswer, startSession } from './helpers/session-app.js';

/** A TCP proxy in front of the PostgreSQL server that the test can cut (every connection dropped, new ones refused) and restore on the same port. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    url: (u: string) => {
      const x = new URL(u);
      x.port = String(port);
      return x.toString();
    },
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server?.close(() => resolve());
      }),
    restore: listen,
  };
}

describePostgres('a lost database connection', (baseUrl) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store | undefined;
  beforeAll(async () => {
    db = await freshDatabase(baseUrl);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('makes answers and /healthz 503 with Retry-After, acknowledges nothing, and the pool reconnects', async () => {
    const proxy = await cuttableProxy(new URL(db.url));
    const logged: unknown[] = [];
    store = await createPostgresStore({ url: proxy.url(db.url), connectionTimeoutMs: 1000, logError: (e) => logged.push(e) });
    const { app, errors } = testCoach({}, { store });
    const { session, question } = await startSession(app, { count: 1 });
    expect((await app.request('/healthz')).status).toBe(200);

    await proxy.cut();
    const refused = await postJson(app, `/api/sessions/${session.id}/answers`, { answer: goodAnswer(question.questionId) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('database_unavailable');
    const health = await app.request('/healthz');
    expect(health.status).toBe(503);
    const h = (await health.json()) as { status: string; database: unknown };
    expect(h).toMatchObject({ status: 'degraded', database: { kind: 'postgres', reachable: false } });
    // No address, user or password of the database in what a client sees.
    expect(JSON.stringify(body) + JSON.stringify(h)).not.toMatch(/coach-test-password|coach_test|127\.0\.0\.1/);

    await proxy.restore();
    expect((await app.request('/healthz')).status).toBe(200);
    const res = await postJson(app, `/api/sessions/${session.id}/answers`, { answer: goodAnswer(question.questionId) });
    expect(res.status).toBe(200);
    // The refused answer was never stored: the session holds the one that was acknowledged.
    const turns = await store.turns.bySession(session.id);
    expect(turns.map((t) => [t.step, t.status])).toEqual([[0, 'graded']]);
    // The errors logged meanwhile never carry the password either.
    expect(String([...errors, ...logged].map((e) => (e instanceof Error ? `${e.message} ${String(e.cause)}` : String(e))))).not.toContain('coach-test-password');
  }, 60_000);
});
