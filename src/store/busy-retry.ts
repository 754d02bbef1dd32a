import { setTimeout as sleep } from 'node:timers/promises';
import { databaseBusy } from './db.js';

/** Pauses between attempts: about 1.5 s in all, spent awaiting, so other requests are served meanwhile. */
export const BUSY_RETRY_DELAYS_MS = [50, 100, 200, 400, 800] as const;

/**
 * Run a write that must not be lost (a grade the judge already paid for) and, while another process holds
 * the database lock, try it again after each delay. The wait is asynchronous: the event loop keeps serving.
 * Still busy after the last delay, the busy error is thrown.
 */
export async function retryWhileBusy<T>(write: () => T, delaysMs: readonly number[] = BUSY_RETRY_DELAYS_MS): Promise<T> {
  for (const delay of delaysMs) {
    try {
      return write();
    } catch (err) {
      if (!databaseBusy(err)) throw err;
      await sleep(delay);
    }
  }
  return write();
}
