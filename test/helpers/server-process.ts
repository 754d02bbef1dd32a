import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createStubLlmServer } from '../../scripts/fake-judge/stub-server.js';

// Real server processes (`src/main.ts`, as `npm start` runs it) on loopback ports.
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** The base URL once it listens. */
  base: Promise<string>;
  exited: Promise<number | null>;
  output(): string;
}

/** Start `src/main.ts` on a free loopback port with `env` (and nothing else of this process's environment). */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /interview coach on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  base.catch(() => undefined);
  return { child, base, exited, output: () => output };
}

/** The stub LLM on a loopback port, answering each completion after `delayMs`; counts what it saw. */
export async function startStubLlm(delayMs: number) {
  const entry = { server: undefined as unknown as Server, url: '', inFlight: 0, completions: 0 };
  entry.server = createStubLlmServer({ delayMs, onInFlight: (n) => (entry.inFlight = n), onCompletion: () => (entry.completions += 1) });
  await new Promise<void>((resolve) => entry.server.listen(0, '127.0.0.1', resolve));
  entry.url = `http://127.0.0.1:${(entry.server.address() as AddressInfo).port}/v1`;
  return {
    ...entry,
    get inFlight() {
      return entry.inFlight;
    },
    get completions() {
      return entry.completions;
    },
    close: () =>
      new Promise<void>((resolve) => {
        entry.server.closeAllConnections();
        entry.server.close(() => resolve());
      }),
  };
}

/** Poll until `check` gives a value; bounded, so a broken server fails the test instead of hanging it. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, tries = 300, everyMs = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}
