import type { ChatCompleter, ChatRequest, ChatResponse } from '../../src/judge/chat.js';
import { createGrader } from '../../src/grading/grade.js';
import { loadJudgePrompts } from '../../src/judge/llm/judge-prompts.js';
import { createLlmJudge, type LlmJudgeDeps } from '../../src/judge/llm/llm-judge.js';
import { createLlmLimiter } from '../../src/judge/llm/llm-limiter.js';
import type { LlmCallRecord } from '../../src/judge/chat.js';
import { fakeFollowUp, type FakeJudgeOptions, fakeVerdict } from '../../scripts/fake-judge/fake-judge.js';
import { bank, testCoach } from './app.js';

export const prompts = loadJudgePrompts();

export type Script = (request: ChatRequest, index: number) => ChatResponse | Promise<ChatResponse>;

/** A scripted completer that records every request it gets. */
export function scriptedCompleter(script: Script): ChatCompleter & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async complete(request) {
      requests.push(request);
      return script(request, requests.length - 1);
    },
  };
}

/** A reply as a provider would give it. Objects are sent as JSON. */
export function reply(content: string | object | null, over: Partial<ChatResponse> = {}): ChatResponse {
  return {
    content: content === null || typeof content === 'string' ? content : JSON.stringify(content),
    refusal: null,
    finishReason: 'stop',
    usage: { promptTokens: 1000, completionTokens: 100 },
    model: 'judge-model',
    ...over,
  };
}

/** The fake rubric-following judge behind the seam (no HTTP). */
export function fakeJudgeCompleter(options: FakeJudgeOptions = {}) {
  return scriptedCompleter((request) => {
    const value = fakeVerdict(request.messages, options) ?? fakeFollowUp(request.messages);
    return reply(value ?? 'I can only grade interview answers.');
  });
}

/** The LLM judge over a completer, with the shipped prompts, and the grade() and app around it. */
export function llmSetup(completer: ChatCompleter, over: Partial<LlmJudgeDeps> = {}) {
  const limiter = over.limiter ?? createLlmLimiter(4);
  const judge = createLlmJudge({ completer, model: 'judge-model', prompts, limiter, ...over });
  const grade = createGrader({ bank, judge });
  const calls: LlmCallRecord[] = [];
  const { app, errors } = testCoach({}, { judge, llmLimiter: limiter });
  return { judge, grade, limiter, calls, onLlmCall: (r: LlmCallRecord) => calls.push(r), app, errors };
}

/** The candidate answer block of a user message, between the nonce tags. */
export function answerBlock(user: string): { nonce: string; content: string } | null {
  const m = /<candidate_answer_([0-9a-f]+)>\n([\s\S]*?)\n<\/candidate_answer_\1>/.exec(user);
  return m ? { nonce: m[1] ?? '', content: m[2] ?? '' } : null;
}
