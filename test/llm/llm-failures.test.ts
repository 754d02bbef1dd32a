import { describe, expect, it } from 'vitest';
import { Grade } from '../../src/grading/grade-schema.js';
import { ChatFailure } from '../../src/judge/chat-failure.js';
import { llmSetup, reply, scriptedCompleter } from '../helpers/llm.js';
import { ANSWER, verdict } from './verdicts.js';

const request = { questionId: 'data-drift', answer: ANSWER };
const GOOD = JSON.stringify(verdict());

/** A grade that could not be scored: no score anywhere, never 0, never a pass. */
function expectUnscored(g: Grade, reason: string) {
  expect(Grade.parse(g)).toBeTruthy();
  expect(g.score).toBeNull();
  expect(g.rawScore).toBeNull();
  expect(g.level).toBeNull();
  expect(g.keyPoints).toEqual([]);
  expect(g.runs.every((r) => r.score === null)).toBe(true);
  expect(g.unscored?.reason).toBe(reason);
}

describe('LLM judge: replies that are not a verdict', () => {
  it('repairs malformed JSON once, keeping the rejected reply', async () => {
    const completer = scriptedCompleter((_r, i) => reply(i === 0 ? '{"reasoning": "cut' : GOOD));
    const { grade, calls, onLlmCall } = llmSetup(completer);
    const g = await grade(request, { onLlmCall });
    expect(g.score).toBe(4);
    const repaired = g.runs.find((r) => r.rejected);
    expect(repaired?.rejected).toMatchObject({ raw: '{"reasoning": "cut', error: expect.stringContaining('malformed') });
    expect(repaired?.usage).toEqual({ promptTokens: 2000, completionTokens: 200 });
    expect(calls.map((c) => c.order).filter((o) => o === 'repair')).toHaveLength(1);
    const repair = calls.find((c) => c.order === 'repair');
    expect(repair?.request.messages.slice(-2)).toEqual([
      { role: 'assistant', content: '{"reasoning": "cut' },
      { role: 'user', content: expect.stringContaining('Your reply could not be used: the JSON is malformed') },
    ]);
  });

  it('is unscored as invalid-output when the repair is no better, with both raw replies kept', async () => {
    const completer = scriptedCompleter(() => reply('I think this answer is pretty good, maybe a 4.'));
    const g = await llmSetup(completer).grade(request);
    expectUnscored(g, 'invalid-output');
    expect(g.unscored?.detail).toContain('after one repair attempt');
    expect(g.runs[0]).toMatchObject({ raw: 'I think this answer is pretty good, maybe a 4.', rejected: { raw: 'I think this answer is pretty good, maybe a 4.' } });
    expect(completer.requests).toHaveLength(4); // two orders, one repair each
  });

  it('asks for a repair when a schema-valid reply leaves out a key point', async () => {
    const short = verdict();
    short.keyPoints = short.keyPoints.slice(0, 3);
    const completer = scriptedCompleter((_r, i) => reply(i === 0 ? short : verdict()));
    const { grade, calls, onLlmCall } = llmSetup(completer);
    const g = await grade(request, { onLlmCall });
    expect(g.score).toBe(4);
    expect(calls.find((c) => c.order === 'repair')?.request.messages.at(-1)?.content).toContain('missing key point(s) response');
  });

  it('repairs a reply cut off at the token limit with twice the room', async () => {
    const completer = scriptedCompleter((_r, i) => (i === 0 ? reply(GOOD.slice(0, 60), { finishReason: 'length' }) : reply(GOOD)));
    const { grade, calls, onLlmCall } = llmSetup(completer, { maxTokens: 800 });
    const g = await grade(request, { onLlmCall });
    expect(g.score).toBe(4);
    expect(calls.find((c) => c.order === 'repair')?.request.maxTokens).toBe(1600);
    expect(g.runs.find((r) => r.rejected)?.rejected?.finishReason).toBe('length');
  });

  it('is unscored as truncated when the repair is cut off too', async () => {
    const completer = scriptedCompleter(() => reply(GOOD.slice(0, 60), { finishReason: 'length' }));
    const g = await llmSetup(completer).grade(request);
    expectUnscored(g, 'truncated');
    expect(g.runs[0]?.finishReason).toBe('length');
  });

  it('is unscored as a refusal, without a repair call', async () => {
    const completer = scriptedCompleter(() => reply(null, { refusal: "I'm sorry, I can't help with that." }));
    const g = await llmSetup(completer).grade(request);
    expectUnscored(g, 'refusal');
    expect(g.unscored?.detail).toContain("I can't help with that");
    expect(g.runs[0]?.raw).toBe("I'm sorry, I can't help with that.");
    expect(completer.requests).toHaveLength(2);
  });

  it("treats the provider's content filter as a refusal", async () => {
    const completer = scriptedCompleter(() => reply('', { finishReason: 'content_filter' }));
    expectUnscored(await llmSetup(completer).grade(request), 'refusal');
  });

  it('is unscored when only one order fails: one order alone carries position bias', async () => {
    const completer = scriptedCompleter((r) =>
      r.messages[1]?.content.indexOf('<reference_answer>')! < r.messages[1]!.content.indexOf('<candidate_answer_')
        ? reply(GOOD)
        : reply(null, { refusal: 'No.' }),
    );
    const g = await llmSetup(completer).grade(request);
    expectUnscored(g, 'refusal');
    expect(g.runs.find((r) => r.order === 'reference-first')).toMatchObject({ judgeScore: 4, raw: GOOD });
  });
});

describe('LLM judge: provider failures', () => {
  it('is unscored as provider-unavailable with the Retry-After the provider gave', async () => {
    const completer = scriptedCompleter(() => {
      throw new ChatFailure('rate-limited', 'the LLM provider answered 429 Rate limit reached', { status: 429, retryAfterSeconds: 20 });
    });
    const { grade, calls, onLlmCall } = llmSetup(completer);
    const g = await grade(request, { onLlmCall });
    expectUnscored(g, 'provider-unavailable');
    expect(g.unscored).toMatchObject({ retryAfterSeconds: 20, detail: expect.stringContaining('429') });
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.error?.startsWith('rate-limited') && c.rawReply === null)).toBe(true);
  });

  it('is unscored as timeout', async () => {
    const completer = scriptedCompleter(() => {
      throw new ChatFailure('timeout', 'the LLM provider did not answer in time');
    });
    expectUnscored(await llmSetup(completer).grade(request), 'timeout');
  });

  it('turns anything else a completer throws into judge-error instead of throwing', async () => {
    const completer = scriptedCompleter(() => {
      throw new TypeError('cache file is corrupt');
    });
    const g = await llmSetup(completer).grade(request);
    expectUnscored(g, 'judge-error');
    expect(g.unscored?.detail).toContain('cache file is corrupt');
  });

  it('does not call the provider for a request whose client has gone', async () => {
    const completer = scriptedCompleter(() => reply(GOOD));
    const controller = new AbortController();
    controller.abort();
    const g = await llmSetup(completer).grade(request, { signal: controller.signal });
    expectUnscored(g, 'judge-error');
    expect(completer.requests).toHaveLength(0);
  });

  it('keeps grading when the audit sink throws', async () => {
    const completer = scriptedCompleter(() => reply(GOOD));
    const g = await llmSetup(completer).grade(request, {
      onLlmCall: () => {
        throw new Error('disk full');
      },
    });
    expect(g.score).toBe(4);
  });
});

describe('LLM judge: call records', () => {
  it('tells onLlmCall about every call with its request, raw reply, usage and prompt version', async () => {
    const completer = scriptedCompleter((r, i) =>
      r.jsonSchema?.name === 'follow_up' ? reply({ question: 'What would you do after detecting drift?' }) : reply(i === 0 ? 'nope' : verdict({ followUp: null })),
    );
    const { grade, judge, calls, onLlmCall } = llmSetup(completer);
    await grade(request, { onLlmCall });
    expect(calls.map((c) => c.order).sort()).toEqual(['follow-up', 'reference-first', 'reference-last', 'repair']);
    for (const c of calls) {
      expect(c).toMatchObject({ model: 'judge-model', promptVersion: judge.promptVersion, questionId: 'data-drift', error: null });
      expect(c.request.messages.length).toBeGreaterThanOrEqual(2);
      expect(typeof c.rawReply).toBe('string');
      expect(c.usage).toEqual({ promptTokens: 1000, completionTokens: 100 });
      expect(new Date(c.at).toISOString()).toBe(c.at);
    }
  });
});
