import { CoachError } from '../errors.js';
import type { SessionService } from '../sessions/session-service.js';
import type { TurnsRepo } from '../store/turns-repo.js';

export interface RecoveryDeps {
  turns: Pick<TurnsRepo, 'pending' | 'get' | 'markFailed'>;
  /** The same service the HTTP routes use, so a turn being recovered shows `grading: true` and a regrade of it is a 409. */
  sessions: Pick<SessionService, 'regrade' | 'isGrading'>;
  log?: (message: string) => void;
  logError?: (err: unknown) => void;
  now?: () => Date;
}

export interface RecoveryReport {
  /** Turns found `pending` at start-up. */
  found: number;
  graded: number;
  /** Graded again without a score (the judge failed, the queue was full): stored as `failed`, regradable. */
  failed: number;
  /** Left alone: the recovery was stopped first, or another request graded the turn meanwhile. */
  skipped: number;
}

export interface Recovery {
  readonly done: Promise<RecoveryReport>;
  /** Start no further grade (shutdown). The grade running now finishes. */
  stop(): void;
}

/**
 * Grade again, in the background and one at a time, the turns a previous process left `pending` (it
 * stopped mid-grade: a crash, `kill -9`, a power cut). Each ends `graded`, or `failed` with a reason and
 * regradable with `POST /api/turns/:id/regrade`; none stays pending without a reason. One grade at a time
 * keeps the recovery from taking the LLM queue away from live candidates.
 *
 * Call it once, at start-up, before this process has graded anything: every `pending` turn then is an
 * interrupted one. With several servers on one database file, each would recover the same turns.
 *
 * @example
 * const recovery = recoverPendingTurns({ turns: store.turns, sessions });
 * const report = await recovery.done; // { found: 2, graded: 2, failed: 0, skipped: 0 }
 */
export function recoverPendingTurns(deps: RecoveryDeps): Recovery {
  const { turns, sessions } = deps;
  const log = deps.log ?? ((m: string) => console.log(m));
  const logError = deps.logError ?? ((err: unknown) => console.error(err));
  const now = deps.now ?? (() => new Date());
  const found = turns.pending();
  let stopped = false;

  async function run(): Promise<RecoveryReport> {
    const report: RecoveryReport = { found: found.length, graded: 0, failed: 0, skipped: 0 };
    if (found.length === 0) return report;
    log(`grading again ${found.length} answer(s) left pending by an earlier run`);
    for (const turn of found) {
      if (stopped) {
        report.skipped += 1;
        continue;
      }
      try {
        const { turn: after } = await sessions.regrade(turn.id);
        if (after.status === 'graded') report.graded += 1;
        else report.failed += 1;
      } catch (err) {
        // Already graded or being graded by a request, or its question left the bank. A turn that nobody
        // grades must not stay pending: it is failed with the reason, so it is visible and regradable.
        const current = turns.get(turn.id);
        if (current?.status === 'pending' && !sessions.isGrading(turn.id)) {
          const why = err instanceof Error ? err.message : String(err);
          turns.markFailed(turn.id, { reason: 'judge-error', detail: `not graded after a restart: ${why}` }, now().toISOString());
          report.failed += 1;
        } else {
          report.skipped += 1;
        }
        if (!(err instanceof CoachError)) logError(err);
      }
    }
    log(`recovered answers: ${report.graded} graded, ${report.failed} failed (regradable), ${report.skipped} skipped`);
    return report;
  }

  return {
    done: run(),
    stop() {
      stopped = true;
    },
  };
}
