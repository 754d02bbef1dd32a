import { runEvalCommand } from './eval-command.js';

// Entry point of `npm run eval`: the only place of the harness that reads process.env and exits.
const code = await runEvalCommand(process.argv.slice(2), process.env, {
  stdout: (t) => process.stdout.write(t),
  stderr: process.stderr,
});
process.exitCode = code;
