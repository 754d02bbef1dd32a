import { parseArgs } from 'node:util';
import { createStubLlmServer } from './fake-judge/stub-server.js';

/**
 * `npm run stub-llm -- [--port 8799] [--position-bias 0] [--delay-ms 0]`: serve the fake judge as an OpenAI-compatible
 * API on 127.0.0.1, so the LLM path can be tried end to end without a provider:
 *
 *   OPENAI_BASE_URL=http://127.0.0.1:8799/v1 npm start
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8799' },
    'position-bias': { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '0' },
    quiet: { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
const positionBias = Number(values['position-bias']);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${values.port}`);
if (!Number.isFinite(positionBias)) throw new Error(`--position-bias: not a number: ${values['position-bias']}`);
const delayMs = Number(values['delay-ms']);
if (!Number.isInteger(delayMs) || delayMs < 0) throw new Error(`--delay-ms: not a whole number of milliseconds: ${values['delay-ms']}`);

const server = createStubLlmServer({
  positionBias,
  delayMs,
  ...(values.quiet
    ? {}
    : { onCompletion: (c) => console.log(`completion for ${c.model}: ${c.promptTokens} prompt + ${c.completionTokens} completion tokens`) }),
});
// Loopback only, whatever the arguments: this is a demo judge, not a service.
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`stub LLM (fake rubric-following judge) on http://127.0.0.1:${actual}/v1`);
  console.log(`try: OPENAI_BASE_URL=http://127.0.0.1:${actual}/v1 npm start`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
