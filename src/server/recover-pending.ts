import { CoachError } from '../errors.js';
import type { SessionService } from '../sessions/session-service.js';
import type { TurnsRepo } from '../store/turns-repo.js';

export interface RecoveryDeps {
  turns: Pick<TurnsRepo, 'pending' | 'claimAbandoned' | 'markFailed' | 'releaseAll'>;
  /** The same service the HTTP routes use, so a turn being recovered shows `grading: true` and a regrade of it is a 409. */
  sessions: Pick<SessionService, 'gradeClaimed' | 'claimFrom'>;
  /**
   * Forget every lease before the first pass. Right for SQLite, one process per file: at start any lease is
   * that of a process that died. Wrong with several instances on one PostgreSQL, whose leases are live.
   */
  releaseLeasesAtStart?: boolean;
  /**
   * After the first pass, look again every `sweepMs` for turns whose lease ended (an instance died mid-grade)
   * and grade them. null: the first pass only (SQLite: no other process can leave a lease behind).
   */
  sweepMs?: number | null;
  log?: (message: string) => void;
  logError?: (err: unknown) => void;
  now?: () => Date;
}

export interface RecoveryReport {
  /** Turns found `pending` when the first pass started. */
  found: number;
  graded: number;
  /** Graded again without a score (the judge failed, the queue was full): stored as `failed`, regradable. */
  failed: number;
  /** Left alone: the recovery was stopped first, or another instance or request holds their lease. */
  skipped: number;
}

export interface Recovery {
  /** The first pass: every turn abandoned before this process started. */
  readonly done: Promise<RecoveryReport>;
  /** Start no further grade and no further sweep (shutdown). The grade running now finishes. */
  stop(): void;
}

/**
 * Grade again, in the background and one at a time, the turns left `pending` by an instance that stopped
 * mid-grade (a crash, `kill -9`, a power cut): each is claimed first (`claimAbandoned`: only a turn whose
 * lease has ended, and on PostgreSQL with `SKIP LOCKED`, so two instances never take the same one), then
 * graded. Each ends `graded`, or `failed` with a reason and regradable with `POST /api/turns/:id/regrade`;
 * none stays pending without a reason. One grade at a time keeps the recovery from taking the LLM queue
 * away from live candidates.
 *
 * @example
 * const recovery = recoverPendingTurns({ turns: store.turns, sessions, releaseLeasesAtStart: true });
 * const report = await recovery.done; // { found: 2, graded: 2, failed: 0, skipped: 0 }
 */
export function recoverPendingTurns(deps: RecoveryDeps): Recovery {
  const { turns, sessions } = deps;
  const log = deps.log ?? ((m: string) => console.log(m));
  const logError = deps.logError ?? ((err: unknown) => console.error(err));
  const now = deps.now ?? (() => new Date());
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** Claim and grade abandoned turns until none is left (or stopped); counts into `report`. */
  async function drainAbandoned(report: RecoveryReport): Promise<void> {
    while (!stopped) {
      const at = now();
      const [turn] = await turns.claimAbandoned(sessions.claimFrom(at), at.toISOString(), 1);
      if (!turn) return;
      try {
        const { turn: after } = await sessions.gradeClaimed(turn);
        if (after.status === 'graded') report.graded += 1;
        else report.failed += 1;
      } catch (err) {
        // Its question left the bank, or the grade could not be saved. A turn that nobody grades must not
        // stay pending: it is failed with the reason (while this instance still holds its lease), so it is
        // visible and regradable.
        const why = err instanceof Error ? err.message : String(err);
        const claim = sessions.claimFrom(now());
        const after = await turns
          .markFailed(turn.id, { reason: 'judge-error', detail: `not graded after a restart: ${why}` }, now().toISOString(), claim.by)
          .catch(() => null);
        if (after?.status === 'failed') report.failed += 1;
        else report.skipped += 1;
        if (!(err instanceof CoachError)) logError(err);
      }
    }
  }

  async function firstPass(): Promise<RecoveryReport> {
    if (deps.releaseLeasesAtStart) await turns.releaseAll();
    const report: RecoveryReport = { found: (await turns.pending()).length, graded: 0, failed: 0, skipped: 0 };
    if (report.found === 0) return report;
    log(`grading again ${report.found} answer(s) left pending by an earlier run`);
    await drainAbandoned(report);
    report.skipped = Math.max(report.skipped, report.found - report.graded - report.failed);
    log(`recovered answers: ${report.graded} graded, ${report.failed} failed (regradable), ${report.skipped} skipped`);
    return report;
  }

  function scheduleSweep(): void {
    if (stopped || deps.sweepMs === null || deps.sweepMs === undefined) return;
    timer = setTimeout(() => {
      const report: RecoveryReport = { found: 0, graded: 0, failed: 0, skipped: 0 };
      drainAbandoned(report)
        .then(() => {
          const n = report.graded + report.failed;
          if (n > 0) log(`finished ${n} answer(s) another instance left mid-grade: ${report.graded} graded, ${report.failed} failed (regradable)`);
        })
        // The database may be away for a while; the next sweep tries again.
        .catch((err: unknown) => logError(err))
        .finally(scheduleSweep);
    }, deps.sweepMs);
    timer.unref?.();
  }

  const done = firstPass();
  done.then(scheduleSweep, (err: unknown) => {
    logError(err);
    scheduleSweep();
  });
  return {
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
