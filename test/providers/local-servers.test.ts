import { afterEach, describe, expect, it } from 'vitest';
import { completion, type FakeProvider, formatOf, promptTokensOf, type SeenRequest, startFakeProvider, verdictText } from './fake-provider.js';
import { coach, gradeOnce, mark, report } from './harness.js';

let fake: FakeProvider | null = null;
let close: (() => void) | null = null;
afterEach(async () => {
  close?.();
  await fake?.close();
  fake = null;
  close = null;
});

const local = (origin: string, model: string, extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: `${origin}/v1`, JUDGE_MODEL: model, ...extra });
const start = (env: Record<string, string>) => {
  const c = coach(env);
  close = c.close;
  return c;
};
/** A draft verdict that must never be graded: it scores 5 whatever the answer. */
const draft = (r: SeenRequest) => verdictText(r.body, { score: 5 });
const scoreOf = (text: string) => (JSON.parse(text) as { score: number }).score;

describe('Ollama', () => {
  it('before 0.5: json_schema is ignored and the model writes prose around its JSON; the JSON is found', async () => {
    // Ollama's OpenAI layer mapped only `json_object` to its JSON mode; any other response_format was dropped.
    fake = await startFakeProvider((r) => {
      const json = verdictText(r.body);
      const content = formatOf(r.body) === 'json_object' ? json : `Sure! Here is my assessment of the answer.\n\n\`\`\`json\n${json}\n\`\`\``;
      return { json: completion(r.body, { content }) };
    });
    const c = start(local(fake.origin, 'llama3.1:8b'));
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(g.grade?.runs?.[0]?.responseFormat).toBe('json_schema');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'llama3.1:8b', temperature: 0, max_tokens: 1500, response_format: { type: 'json_schema' } });
    report('Ollama before 0.5', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
  });

  it('0.5 and later: json_schema honoured, a `reasoning` field ignored, LLM_EXTRA_BODY passed through', async () => {
    fake = await startFakeProvider((r) => ({ json: completion(r.body, { content: verdictText(r.body), reasoning: `Let me think. ${draft(r)}` }) }));
    const c = start(local(fake.origin, 'qwen3:8b', { LLM_EXTRA_BODY: '{"options":{"num_ctx":8192},"keep_alive":"10m"}' }));
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    const first = fake.requests[0];
    expect(first?.body).toMatchObject({ options: { num_ctx: 8192 }, keep_alive: '10m', response_format: { type: 'json_schema' } });
    expect(g.grade?.runs?.[0]?.judgeScore).toBe(scoreOf(verdictText(first!.body)));
    expect(g.grade?.runs?.[0]?.raw).not.toContain('Let me think');
    report('Ollama 0.5+', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
  });
});

describe('vLLM', () => {
  it('reasoning in content (no reasoning parser): the text before </think> is not graded, even with a draft verdict in it', async () => {
    // DeepSeek-R1-style templates open <think> themselves, so the reply starts inside the reasoning.
    fake = await startFakeProvider((r) => ({ json: completion(r.body, { content: `Okay, a first try: ${draft(r)} Hmm, point 2 is only partly there.\n</think>\n\n${verdictText(r.body)}` }) }));
    const c = start(local(fake.origin, 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B'));
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.path).toBe('/v1/chat/completions');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', max_tokens: 1500, response_format: { type: 'json_schema' } });
    expect(g.grade?.runs?.[0]?.judgeScore).toBe(scoreOf(verdictText(fake.requests[0]!.body)));
    report('vLLM, reasoning in content', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
  });

  it('reasoning in content with a draft and a cut-off answer: truncated and repaired, the draft never graded', async () => {
    fake = await startFakeProvider((r) => {
      const isRepair = r.body.messages.some((m) => m.role === 'assistant');
      if (!isRepair) return { json: completion(r.body, { content: `<think>Draft: ${draft(r)}</think>\n{"reasoning": "The answer defines drift and`, }, { finish_reason: 'length' }) };
      return { json: completion(r.body, { content: verdictText(r.body) }) };
    });
    const c = start(local(fake.origin, 'Qwen/QwQ-32B'));
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(g.grade?.runs?.[0]?.rejected?.error).toMatch(/cut off/);
    expect(g.grade?.runs?.[0]?.judgeScore).toBe(scoreOf(verdictText(fake.requests[0]!.body)));
    // The repair quotes the answer part only, not the reasoning.
    const repair = fake.requests.find((r) => r.body.messages.some((m) => m.role === 'assistant'));
    expect(repair?.body.messages.find((m) => m.role === 'assistant')?.content).not.toContain('Draft');
    report('vLLM, reasoning in content, cut-off answer', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored after a repair per order`);
  });

  it('with a reasoning parser: reasoning_content is ignored', async () => {
    fake = await startFakeProvider((r) => ({ json: completion(r.body, { content: verdictText(r.body), reasoning_content: `Draft: ${draft(r)}` }) }));
    const c = start(local(fake.origin, 'Qwen/Qwen3-8B'));
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests.map((r) => r.body.model)).toEqual(['Qwen/Qwen3-8B', 'Qwen/Qwen3-8B']);
    expect(g.grade?.runs?.[0]?.judgeScore).toBe(scoreOf(verdictText(fake.requests[0]!.body)));
    report('vLLM, reasoning parser', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
  });

  it('small context window: the repair asks for what fits, from the error\'s numbers; the format is never stepped down', async () => {
    const window = 4096;
    // vLLM's flat error body, with the numbers of the request it refuses.
    fake = await startFakeProvider((r) => {
      const prompt = promptTokensOf(r.body);
      const asked = Number(r.body.max_tokens);
      if (prompt + asked > window) {
        return {
          status: 400,
          json: {
            object: 'error',
            message: `This model's maximum context length is ${window} tokens. However, you requested ${prompt + asked} tokens (${prompt} in the messages, ${asked} in the completion). Please reduce the length of the messages or completion.`,
            type: 'BadRequestError',
            param: null,
            code: 400,
          },
        };
      }
      const isRepair = r.body.messages.some((m) => m.role === 'assistant');
      // A verbose model: its first reply runs to the token limit; asked again, it answers in JSON only.
      if (!isRepair) return { json: completion(r.body, { content: `{"reasoning": "${'The answer explains drift well. '.repeat(200)}` }, { finish_reason: 'length', completionTokens: asked }) };
      return { json: completion(r.body, { content: verdictText(r.body) }) };
    });
    const c = start(local(fake.origin, 'mistralai/Mistral-7B-Instruct-v0.3'));
    const g = await gradeOnce(c);
    expect(promptTokensOf(fake.requests[0]!.body) + 1500).toBeLessThanOrEqual(window);
    expect(g.status).toBe(200);
    expect(fake.requests.length).toBe(6); // per order: the cut-off reply, the refused repair, the repair that fits
    expect(new Set(fake.requests.map((r) => formatOf(r.body)))).toEqual(new Set(['json_schema']));
    report('vLLM, 4096-token context, first grade', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored after a repair per order`);

    const before = mark(fake);
    const again = await gradeOnce(c);
    expect(again.status).toBe(200);
    const later = fake.requests.slice(before.calls);
    expect(later).toHaveLength(4); // the window is known now: each repair fits at once
    for (const r of later) expect(promptTokensOf(r.body) + Number(r.body.max_tokens)).toBeLessThanOrEqual(window);
    report('vLLM, 4096-token context, later grades', fake, before, `${again.status} scored after a repair per order`);
  });

  it('a context-length error on the first call is a clear 502 with the provider\'s message, in one call per order', async () => {
    fake = await startFakeProvider((r) => ({
      status: 400,
      json: {
        object: 'error',
        message: `This model's maximum context length is 1024 tokens. However, you requested ${promptTokensOf(r.body) + 1500} tokens (${promptTokensOf(r.body)} in the messages, 1500 in the completion). Please reduce the length of the messages or completion.`,
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    }));
    const c = start(local(fake.origin, 'tiny'));
    const g = await gradeOnce(c);
    expect(g.status).toBe(502);
    expect(g.json.error?.code).toBe('judge_failed');
    expect(g.json.error?.message).toContain("maximum context length is 1024");
    expect(fake.requests).toHaveLength(2);
  });
});

describe('llama.cpp server', () => {
  it('before structured outputs: its 500 naming response_format steps down to json_object, unretried, and later grades start there', async () => {
    fake = await startFakeProvider((r) => {
      const type = formatOf(r.body);
      if (type !== 'json_object' && type !== 'text') {
        return { status: 500, json: { error: { code: 500, message: `response_format type must be one of "text" or "json_object", but got: ${type}`, type: 'server_error' } } };
      }
      return { json: completion(r.body, { content: verdictText(r.body) }) };
    });
    const c = start(local(fake.origin, 'llama-3.1-8b-instruct-q4_k_m.gguf'));
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests.map((r) => formatOf(r.body))).toEqual(['json_schema', 'json_schema', 'json_object', 'json_object']);
    report('llama.cpp before structured outputs, first grade', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
    const before = mark(fake);
    expect((await gradeOnce(c)).status).toBe(200);
    expect(fake.requests.slice(before.calls).map((r) => formatOf(r.body))).toEqual(['json_object', 'json_object']);
    report('llama.cpp before structured outputs, later grades', fake, before, '200 scored');
  });

  it('current, --reasoning-format none: <think> blocks are stripped, and an unclosed one (cut off while thinking) is truncation', async () => {
    let firstCalls = 0;
    fake = await startFakeProvider((r) => {
      const isRepair = r.body.messages.some((m) => m.role === 'assistant');
      if (!isRepair && firstCalls++ === 0) return { json: completion(r.body, { content: `<think>\nLet me weigh each point. ${draft(r)} and more` }, { finish_reason: 'length' }) };
      return { json: completion(r.body, { content: `<think>\nPoint 1 is covered. ${draft(r)}\n</think>\n\n${verdictText(r.body)}` }) };
    });
    const c = start(local(fake.origin, 'qwen3-8b-q4_k_m.gguf'));
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests).toHaveLength(3);
    // The repair after a reply cut off while thinking asks for twice the room.
    expect(fake.requests.map((r) => r.body.max_tokens).sort()).toEqual([1500, 1500, 3000]);
    for (const run of g.grade?.runs ?? []) expect(run.judgeScore).toBe(scoreOf(verdictText(fake.requests[0]!.body)));
    expect(g.grade?.runs?.find((r) => r.rejected)?.rejected?.error).toMatch(/cut off/);
    report('llama.cpp current, --reasoning-format none', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored (one order repaired)`);
  });
});
