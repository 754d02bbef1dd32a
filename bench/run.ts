import { main as embeddedJudge } from './embedded-judge.js';
import { main as evalHarness } from './eval-harness.js';
import { main as dbLock } from './db-lock.js';
import { main as monitoring } from './monitoring.js';
import { main as healthz } from './healthz.js';

// Benchmarks run in sequence in one process, so each one's figures come from the same run and machine.
const results = [await embeddedJudge(), await evalHarness(), await monitoring(), await dbLock(), await healthz()];
if (results.some((ok) => !ok)) process.exitCode = 1;
