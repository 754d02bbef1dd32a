import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEvalCommand } from '../evals/eval-command.js';
import { buildCoach, createJudge } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import type { ChatCompleter } from '../src/judge/chat.js';
import { loadJudgePromptVersion } from '../src/judge/llm/prompt-versions.js';
import { fakeCompletion } from './fake-judge/fake-completion.js';

// The sample outputs the docs quote, made by the real code. Each sits in its page between
// `<!-- sample:NAME -->` and `<!-- /sample:NAME -->`; `npm run docs:samples` rewrites them, and
// `npm run docs:samples -- --check` (and test/docs-samples.test.ts) fails when a page differs.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The answer the README's curl example grades. */
export const SAMPLE_ANSWER =
  'Production inputs shift away from the training distribution; we compare feature distributions with PSI and retrain when it is significant.';

export interface Sample {
  /** Page, from the repository root. */
  file: string;
  /** Heavy samples (a whole eval run) are left to the script's own check, not the test suite. */
  heavy?: boolean;
  generate: () => Promise<string>;
}

/** The coach as `npm start` serves it with no LLM configured (the embedded judge, its shipped calibration). */
function embeddedCoach() {
  return buildCoach(loadConfig({ DB_PATH: ':memory:', JUDGE: 'embedded' }), { processMetrics: false, warn: () => undefined });
}

async function gradeOf(answer: string) {
  const coach = embeddedCoach();
  try {
    const res = await coach.app.request('/api/grade', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ questionId: 'data-drift', answer }),
    });
    return (await res.json()) as {
      score: number;
      rawScore: number;
      level: { value: number; label: string };
      keyPoints: { id: string; verdict: string }[];
      flags: string[];
      judge: Record<string, unknown>;
      unscored: unknown;
    };
  } finally {
    // The grade log's queued row is written before the database closes, as on shutdown.
    await coach.served.drain();
    coach.store.close();
  }
}

async function embeddedGrade(): Promise<string> {
  const g = await gradeOf(SAMPLE_ANSWER);
  const excerpt = {
    score: g.score,
    rawScore: g.rawScore,
    level: g.level,
    keyPoints: g.keyPoints.map((k) => `${k.id}: ${k.verdict}`),
    flags: g.flags,
    judge: g.judge,
    unscored: g.unscored,
  };
  return ['```json', JSON.stringify(excerpt, null, 2), '```'].join('\n');
}

async function sessionCurl(): Promise<string> {
  const answer = 'Production inputs drift away from the training data, e.g. a new market; I compare feature distributions with PSI.';
  const g = await gradeOf(answer);
  return `\`\`\`sh
# Start a 2-question session on drift and monitoring
curl -s -X POST localhost:8787/api/sessions -H 'content-type: application/json' \\
  -d '{"topic":"drift-and-monitoring","difficulty":"medium","count":2}'
# -> 201 {"session":{"id":"7010879e-...","status":"active",...},
#         "question":{"kind":"main","questionId":"data-drift","text":"What is data drift?",...}}

# Answer it; the reply carries the grade and the follow-up
curl -s -X POST localhost:8787/api/sessions/7010879e-.../answers -H 'content-type: application/json' \\
  -d '${JSON.stringify({ answer })}'
# -> 200 {"turn":{"status":"graded","grade":{"score":${g.score},...}},
#         "next":{"kind":"follow-up","questionId":"data-drift.follow-up","text":"What is concept drift?",...},...}

# Try the same question again before moving on
curl -s -X POST localhost:8787/api/sessions/7010879e-.../answers -H 'content-type: application/json' \\
  -d '{"answer":"...","retry":true}'

# Transcript and summary
curl -s localhost:8787/api/sessions/7010879e-...

# Grade a failed or interrupted answer again
curl -s -X POST localhost:8787/api/turns/<turn id>/regrade
\`\`\``;
}

async function promptVersions(): Promise<string> {
  const v = (name: string) => loadJudgePromptVersion(name).version;
  return `The shipped versions: \`default\` is \`${v('default')}\`, \`strict-levels\` is \`${v('strict-levels')}\`.`;
}

/** The stub LLM's fake judge, in process: the replies `npm run stub-llm` sends, without the HTTP. */
const stubCompleter: ChatCompleter = {
  async complete(request) {
    const r = fakeCompletion({ model: request.model, messages: request.messages, response_format: { type: request.responseFormat }, max_tokens: request.maxTokens });
    const choice = r.choices[0];
    return {
      content: choice?.message.content ?? null,
      refusal: null,
      finishReason: choice?.finish_reason ?? null,
      usage: { promptTokens: r.usage.prompt_tokens, completionTokens: r.usage.completion_tokens },
      model: r.model,
    };
  },
};

async function compareRun(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'docs-compare-'));
  let text = '';
  try {
    const code = await runEvalCommand(
      ['--data', join(ROOT, 'data/labelled'), '--compare', 'default', 'strict-levels', '--no-cache', '--out', out],
      { JUDGE: 'llm', JUDGE_MODEL: 'gpt-4o-mini', OPENAI_BASE_URL: 'http://stub.invalid/v1' },
      { stdout: (t) => void (text += t), stderr: { write: () => true } },
      { createJudge: (config, options) => createJudge(config, { ...options, completer: stubCompleter }) },
    );
    if (code !== 0) throw new Error(`the compare run exited ${code}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  // The run's table and verdict lines; the file paths of this run's reports are left out.
  const body = text.slice(0, text.indexOf('\n\nreports:')).trimEnd();
  return ['```', body, '```'].join('\n');
}

export const SAMPLES: Record<string, Sample> = {
  'embedded-grade': { file: 'docs/embedded-judge.md', generate: embeddedGrade },
  'session-curl': { file: 'docs/sessions.md', generate: sessionCurl },
  'prompt-versions': { file: 'docs/monitoring.md', generate: promptVersions },
  compare: { file: 'docs/monitoring.md', heavy: true, generate: compareRun },
};

const region = (name: string) => new RegExp(`(<!-- sample:${name} -->\\n)[\\s\\S]*?(\\n<!-- /sample:${name} -->)`);

/** `text` with sample `name` replaced by `content`; throws when the page has no such region. */
export function withSample(text: string, name: string, content: string): string {
  if (!region(name).test(text)) throw new Error(`no <!-- sample:${name} --> region`);
  return text.replace(region(name), (_m, open: string, close: string) => `${open}${content}${close}`);
}

/** Pages whose samples differ from what the code makes now, after rewriting them when `write` is set. */
export async function refreshSamples(options: { write: boolean; names?: string[] }): Promise<string[]> {
  const drifted: string[] = [];
  for (const [name, sample] of Object.entries(SAMPLES)) {
    if (options.names && !options.names.includes(name)) continue;
    const path = join(ROOT, sample.file);
    const before = readFileSync(path, 'utf8');
    const after = withSample(before, name, await sample.generate());
    if (after === before) continue;
    drifted.push(`${sample.file} (${name})`);
    if (options.write) writeFileSync(path, after);
  }
  return drifted;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const drifted = await refreshSamples({ write: !check });
  if (check && drifted.length) {
    console.error(`samples out of date (run npm run docs:samples): ${drifted.join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(drifted.length ? `rewrote ${drifted.join(', ')}` : 'every sample is up to date');
  }
}
