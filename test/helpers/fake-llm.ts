import { z } from 'zod';
import type { JudgeRun } from '../../src/grading/grade-schema.js';
import type { ChatCompleter, ChatRequest, ChatResponse } from '../../src/judge/chat.js';
import type { GradingTask, Judge, JudgeVerdict } from '../../src/judge/judge.js';

/** A scripted provider: answers each request with `reply(request)` after `latencyMs`, and records the calls. */
export interface FakeChat extends ChatCompleter {
  calls: ChatRequest[];
}

export function createFakeChat(reply: (request: ChatRequest) => ChatResponse | Error, latencyMs = 0): FakeChat {
  const calls: ChatRequest[] = [];
  return {
    calls,
    async complete(request) {
      calls.push(request);
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const r = reply(request);
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

/** A reply carrying `{"score": n}`, with token counts proportional to the prompt. */
export function scoreReply(request: ChatRequest, score: number): ChatResponse {
  const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
  return {
    content: JSON.stringify({ score }),
    refusal: null,
    finishReason: 'stop',
    usage: { promptTokens: Math.ceil(chars / 4), completionTokens: 8 },
    model: request.model,
  };
}

/** The hidden `[h=N]` marker a test puts in an answer to script what the fake LLM replies. */
export function markerOf(request: ChatRequest): number {
  const text = request.messages.map((m) => m.content).join('\n');
  return Number(/\[h=(\d(?:\.\d+)?)\]/.exec(text)?.[1] ?? 3);
}

/** The order a request was rendered in by the scripted judge. */
export function orderOf(request: ChatRequest): 'reference-first' | 'reference-last' {
  const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
  return user.startsWith('REFERENCE') ? 'reference-first' : 'reference-last';
}

const Reply = z.object({ score: z.number().min(1).max(5) });

/**
 * A stand-in for the LLM judge with the same contract: one call per order (reference first, then last),
 * scores averaged, per-order scores in `consistency`, usage summed, and a provider failure returned as
 * unscored rather than thrown. It lets the harness's LLM paths (cache, replay, ablation, position bias)
 * be tested without the real prompt.
 */
export function createScriptedLlmJudge(chat: ChatCompleter, model = 'fake-judge-model', promptVersion = 'fake-prompt-1'): Judge {
  return {
    kind: 'llm',
    model,
    promptVersion,
    async evaluate(task: GradingTask, options): Promise<JudgeVerdict> {
      const runs: JudgeRun[] = [];
      const scores: (number | null)[] = [];
      let promptTokens = 0;
      let completionTokens = 0;
      for (const order of ['reference-first', 'reference-last'] as const) {
        const ref = `REFERENCE:\n${task.referenceAnswer}`;
        const ans = `ANSWER:\n${task.answer}`;
        const request: ChatRequest = {
          model,
          messages: [
            { role: 'system', content: `Grade the answer to "${task.question}" from 1 to 5. Reply {"score": n}.` },
            { role: 'user', content: order === 'reference-first' ? `${ref}\n${ans}` : `${ans}\n${ref}` },
          ],
          temperature: 0,
          maxTokens: 50,
          responseFormat: 'json_object',
        };
        try {
          const r = await chat.complete(request, options?.signal ? { signal: options.signal } : {});
          promptTokens += r.usage?.promptTokens ?? 0;
          completionTokens += r.usage?.completionTokens ?? 0;
          const parsed = Reply.safeParse(JSON.parse(r.content ?? 'null'));
          const score = parsed.success ? parsed.data.score : null;
          scores.push(score);
          runs.push({ order, score, raw: r.content ?? '', finishReason: r.finishReason, usage: r.usage });
        } catch (err) {
          scores.push(null);
          runs.push({ order, score: null, raw: '', error: (err as Error).message });
        }
      }
      const [first = null, last = null] = scores;
      const usage = { promptTokens, completionTokens };
      const base = { keyPoints: [], strengths: [], gaps: [], adaptiveFollowUp: null, flags: [], runs, usage };
      if (first === null || last === null) {
        return { ...base, rawScore: null, consistency: null, unscored: { reason: 'provider-unavailable', detail: runs.map((r) => r.error ?? '').join('; ') } };
      }
      const spread = Math.abs(first - last);
      return {
        ...base,
        rawScore: (first + last) / 2,
        consistency: { referenceFirst: first, referenceLast: last, spread, inconsistent: spread >= 2, resolution: 'mean' },
        unscored: null,
      };
    },
  };
}
