import { setTimeout as sleep } from 'node:timers/promises';
import { databaseBusy, databaseUnreachable } from './db-errors.js';

/** Pauses between attempts to save a grade: about 1.5 s in all, awaited, so other requests are served meanwhile. */
export const BUSY_RETRY_DELAYS_MS = [50, 100, 200, 400, 800] as const;
/** Pauses before a new session or answer is refused with 503: a brief lock (a checkpoint, a backup step) passes unseen. */
export const ACCEPT_RETRY_DELAYS_MS = [10, 25, 50, 100, 200] as const;

/** Busy, or the connection lost or not to be had in time: for a write that must not be lost (a paid-for grade). */
export const busyOrUnreachable = (err: unknown): boolean => databaseBusy(err) || databaseUnreachable(err);

/**
 * Run a write (all of it one transaction, so a failed attempt wrote nothing) and, while another process
 * holds the database lock, try it again after each delay. The wait is asynchronous: the event loop keeps serving.
 * Still busy after the last delay, the busy error is thrown.
 */
export async function retryWhileBusy<T>(
  write: () => Promise<T>,
  delaysMs: readonly number[] = BUSY_RETRY_DELAYS_MS,
  retryable: (err: unknown) => boolean = databaseBusy,
): Promise<T> {
  for (const delay of delaysMs) {
    try {
      return await write();
    } catch (err) {
      if (!retryable(err)) throw err;
      await sleep(delay);
    }
  }
  return write();
}
