import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { Usage } from '../../src/grading/grade-schema.js';

/** A request the Batch API answered with an error that a new batch would not change (a 400, say). */
export const BatchFailure = z.object({
  /** HTTP status of the line's response; null when the line never ran (its `error` says why). */
  status: z.number().int().nullable(),
  body: z.unknown(),
  message: z.string(),
});
export type BatchFailure = z.infer<typeof BatchFailure>;

export const BatchRecord = z.object({
  id: z.string().min(1),
  /** Cache keys the batch holds; null for a batch named by `--resume` that this state never submitted. */
  keys: z.array(z.string()).nullable(),
  submittedAt: z.string(),
  status: z.string(),
  /** Output lines applied: replies written to the cache, failures recorded. */
  applied: z.boolean(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Tokens of the replies in the output file, as the provider counted them. */
  usage: Usage,
});
export type BatchRecord = z.infer<typeof BatchRecord>;

/**
 * What survives between runs of `--batch`, in one JSON file next to the reply cache: the batches submitted
 * (so a stopped run resumes by waiting for them instead of paying again) and the requests that failed for
 * good (so a rerun reports them instead of resubmitting them). Replies themselves live in the cache.
 */
export const BatchState = z.object({
  version: z.literal(1),
  batches: z.array(BatchRecord),
  failures: z.record(z.string(), BatchFailure),
});
export type BatchState = z.infer<typeof BatchState>;

/** Default state file: `batch-state.json` in the cache folder. */
export function defaultStatePath(cacheDir: string): string {
  return join(cacheDir, 'batch-state.json');
}

/** The state at `path`, or an empty one when there is no file yet. A damaged file is an error, not a reset. */
export function readBatchState(path: string): BatchState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return { version: 1, batches: [], failures: {} };
    throw err;
  }
  const parsed = BatchState.safeParse(JSON.parse(text));
  if (!parsed.success) throw new RangeError(`${path}: not a batch state file (${z.prettifyError(parsed.error).replace(/\n/g, ' ')})`);
  return parsed.data;
}

/** Write the state atomically: an interrupted write leaves the previous state, never half of one. */
export function writeBatchState(path: string, state: BatchState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(tmp, path);
}
