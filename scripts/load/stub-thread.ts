import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { createStubLlmServer } from '../fake-judge/stub-server.js';

// The stub LLM on its own thread, so neither the app nor the load generator delays its replies.
const { delayMs } = z.object({ delayMs: z.number() }).parse(workerData);
const port = parentPort;
if (!port) throw new Error('stub-thread.ts runs as a worker thread');
let inFlight = 0;
let maxInFlight = 0;
let completions = 0;
const server = createStubLlmServer({
  delayMs,
  onInFlight: (n) => {
    inFlight = n;
    maxInFlight = Math.max(maxInFlight, n);
  },
  onCompletion: () => (completions += 1),
});
server.listen(0, '127.0.0.1', () => {
  port.postMessage({ type: 'listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });
});
port.on('message', (message) => {
  if (message === 'stats') port.postMessage({ type: 'stats', inFlight, maxInFlight, completions });
  if (message === 'close') {
    server.closeAllConnections();
    server.close(() => port.close());
  }
});
