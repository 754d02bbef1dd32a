import type { GradeGate } from '../grading/grade-gate.js';

/** What a shutdown needs of the HTTP server (`node:http` Server has all of it). */
export interface ClosableServer {
  /** Stop accepting connections; the callback runs once every open connection has closed. */
  close(callback?: (err?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
}

export interface ShutdownDeps {
  server: ClosableServer;
  gate: Pick<GradeGate, 'close' | 'idle' | 'inFlight'>;
  store: { close(): void | Promise<void> };
  /** Background work to stop starting new grades, e.g. the crash recovery. */
  background?: { stop(): void } | null;
  /** How long in-flight grades may take (`SHUTDOWN_GRACE_MS`). */
  graceMs: number;
  log?: (message: string) => void;
  /** Resolves after `ms`; injectable so a test decides when the grace period is over. */
  sleep?: (ms: number) => Promise<void>;
  /** How often idle keep-alive connections are closed while draining. Default 100 ms. */
  idleSweepMs?: number;
}

export interface ShutdownReport {
  reason: string;
  /** Every grade finished and every connection closed within the grace period. */
  graceful: boolean;
  /** Grades still running when the grace period ended; their turns stay `pending` and are recovered at the next start. */
  abandoned: number;
  /** Whether the database was closed without error. */
  storeClosed: boolean;
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * The safe stop, for SIGTERM and SIGINT: stop accepting connections and refuse new grades, let in-flight
 * grades finish and their responses go out within the grace period, then close the database. Calling
 * it again returns the same stop. It never exits the process: `main.ts` does, with the report.
 *
 * @example
 * const shutdown = createShutdown({ server, gate, store, graceMs: 30_000 });
 * process.on('SIGTERM', () => shutdown('SIGTERM').then((r) => process.exit(r.graceful ? 0 : 1)));
 */
export function createShutdown(deps: ShutdownDeps): (reason: string) => Promise<ShutdownReport> {
  const log = deps.log ?? ((m: string) => console.log(m));
  const sleep = deps.sleep ?? defaultSleep;
  let stopping: Promise<ShutdownReport> | null = null;

  async function stop(reason: string): Promise<ShutdownReport> {
    const { server, gate } = deps;
    log(`${reason}: stopping; ${gate.inFlight} grade(s) in flight, waiting up to ${deps.graceMs} ms`);
    gate.close();
    deps.background?.stop();
    const closed = new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
    // A keep-alive connection outlives its last response; close each one as soon as it is idle.
    server.closeIdleConnections?.();
    const sweep = setInterval(() => server.closeIdleConnections?.(), deps.idleSweepMs ?? 100);
    sweep.unref();
    // The database stays open until the responses of the last grades are written: they read it too.
    const drained = Promise.all([gate.idle(), closed]).then(() => true);
    const graceful = await Promise.race([drained, sleep(deps.graceMs).then(() => false)]);
    clearInterval(sweep);
    const abandoned = graceful ? 0 : gate.inFlight;
    if (!graceful) {
      server.closeAllConnections?.();
      log(`grace period over with ${abandoned} grade(s) unfinished; their answers stay saved and are graded at the next start`);
    }
    let storeClosed = true;
    try {
      await deps.store.close();
    } catch (err) {
      storeClosed = false;
      log(`closing the database failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (graceful) log('stopped cleanly');
    return { reason, graceful, abandoned, storeClosed };
  }

  return (reason) => (stopping ??= stop(reason));
}
