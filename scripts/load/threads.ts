import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';

/** Messages between the load test and its threads: the stub LLM's and the app's. */
export const StubStats = z.object({ type: z.literal('stats'), inFlight: z.number(), maxInFlight: z.number(), completions: z.number() });
export const AppStats = z.object({
  type: z.literal('stats'),
  /** JS heap of the app's thread after a full collection (when `--expose-gc`). */
  heapUsed: z.number(),
  maxQueued: z.number(),
});
export const Drained = z.object({
  type: z.literal('drained'),
  graceful: z.boolean(),
  maxQueued: z.number(),
});
const Listening = z.object({ type: z.literal('listening'), url: z.string() });

/** A thread running the TypeScript module `file`, once it listens. */
export async function startThread(file: string, workerData: unknown) {
  // Node 20 does not carry `--import tsx` into worker threads: the thread registers tsx, then loads the module.
  const entry = new URL(file, import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData });
  worker.on('error', (err) => {
    console.error(`${file}:`, err);
    process.exit(1);
  });
  const [message] = await once(worker, 'message');
  return { worker, url: Listening.parse(message).url };
}

/** Ask a thread something and parse its answer with `schema`. */
export async function ask<T>(worker: Worker, request: string, schema: z.ZodType<T>): Promise<T> {
  worker.postMessage(request);
  const [message] = await once(worker, 'message');
  return schema.parse(message);
}

/** The JS heap in use after a full collection when the process runs with `--expose-gc`, else as it is. */
export function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}
