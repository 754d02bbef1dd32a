import { describe, expect, it } from 'vitest';
import { OverloadedError } from '../src/errors.js';
import { createGradeGate } from '../src/grading/grade-gate.js';
import type { Grade } from '../src/grading/grade-schema.js';
import { createShutdown } from '../src/server/lifecycle.js';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A server that records what the shutdown did to it and closes when the test says. */
function fakeServer() {
  const events: string[] = [];
  let onClosed: (() => void) | undefined;
  return {
    events,
    /** The last connection has ended. */
    finishConnections: () => onClosed?.(),
    close(callback?: () => void) {
      events.push('close');
      onClosed = callback;
    },
    closeIdleConnections: () => {
      if (!events.includes('close-idle')) events.push('close-idle');
    },
    closeAllConnections: () => events.push('close-all'),
  };
}

function setup() {
  const server = fakeServer();
  const gate = createGradeGate();
  const events = server.events;
  const store = { close: () => void events.push('store-close') };
  const background = { stop: () => events.push('background-stop') };
  const grace = deferred();
  const shutdown = createShutdown({ server, gate, store, background, graceMs: 1000, sleep: () => grace.promise, log: () => undefined });
  const slowGrade = deferred<Grade>();
  const grade = gate.wrap(() => slowGrade.promise);
  return { server, gate, events, shutdown, grace, slowGrade, grade };
}

describe('shutdown', () => {
  it('stops accepting, lets the in-flight grade finish, then closes the database', async () => {
    const t = setup();
    const inFlight = t.grade({ questionId: 'data-drift', answer: 'x' });
    const stopping = t.shutdown('SIGTERM');
    await tick();
    expect(t.events).toEqual(['background-stop', 'close', 'close-idle']);
    // New grades are refused while the old one runs; the database is still open for it.
    await expect(t.grade({ questionId: 'data-drift', answer: 'y' })).rejects.toBeInstanceOf(OverloadedError);

    t.slowGrade.resolve({} as Grade);
    await inFlight;
    await tick();
    expect(t.events).not.toContain('store-close'); // its response is not written yet
    t.server.finishConnections();
    const report = await stopping;
    expect(report).toEqual({ reason: 'SIGTERM', graceful: true, abandoned: 0, storeClosed: true });
    expect(t.events.at(-1)).toBe('store-close');
    expect(t.events).not.toContain('close-all');
  });

  it('gives up after the grace period: closes every connection, then the database', async () => {
    const t = setup();
    void t.grade({ questionId: 'data-drift', answer: 'x' });
    const stopping = t.shutdown('SIGINT');
    await tick();
    t.grace.resolve();
    const report = await stopping;
    expect(report).toEqual({ reason: 'SIGINT', graceful: false, abandoned: 1, storeClosed: true });
    expect(t.events.slice(-2)).toEqual(['close-all', 'store-close']);
  });

  it('is one stop however often it is asked for', async () => {
    const t = setup();
    const first = t.shutdown('SIGTERM');
    expect(t.shutdown('SIGINT')).toBe(first);
    t.server.finishConnections();
    expect((await first).reason).toBe('SIGTERM');
    expect(t.events.filter((e) => e === 'store-close')).toHaveLength(1);
  });

  it('reports a database that fails to close', async () => {
    const server = fakeServer();
    const shutdown = createShutdown({
      server,
      gate: createGradeGate(),
      store: {
        close() {
          throw new Error('disk gone');
        },
      },
      graceMs: 10,
      sleep: () => new Promise(() => undefined),
      log: () => undefined,
    });
    const stopping = shutdown('SIGTERM');
    server.finishConnections();
    expect(await stopping).toMatchObject({ graceful: true, storeClosed: false });
  });
});
