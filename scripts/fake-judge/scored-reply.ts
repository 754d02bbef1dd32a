import type { ChatRequest, ChatResponse } from '../../src/judge/chat.js';
import type { JudgeReply } from '../../src/judge/llm/judge-reply.js';
import { readJudgePrompt } from './read-judge-prompt.js';

/** Which call of a grade a request is: a judge order, or the small follow-up call (no answer block). */
export function orderOf(request: ChatRequest): 'reference-first' | 'reference-last' | 'follow-up' {
  const p = readJudgePrompt(request.messages);
  if (!p) return 'follow-up';
  return p.candidateFirst ? 'reference-last' : 'reference-first';
}

/**
 * A judge reply a provider could give to the judge's own prompt: the holistic `score`, every key point the
 * prompt lists `missing` (so no quote needs checking and no evidence penalty applies), and a follow-up
 * proposed for the first point (so no extra follow-up call is made). A follow-up request gets a question.
 */
export function scoredReply(request: ChatRequest, score: number): ChatResponse {
  const p = readJudgePrompt(request.messages);
  const first = p?.keyPoints[0]?.id;
  const value: JudgeReply | { question: string } = p
    ? {
        reasoning: `Scripted verdict: ${score}.`,
        keyPoints: p.keyPoints.map((k) => ({ id: k.id, quote: null, verdict: 'missing' as const })),
        mistakes: [],
        manipulationAttempt: false,
        followUp: first ? { keyPointId: first, question: 'Which part of the question did your answer leave out, and how would you cover it?' } : null,
        score,
      }
    : { question: 'Which part of the question did your answer leave out, and how would you cover it?' };
  const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
  return {
    content: JSON.stringify(value),
    refusal: null,
    finishReason: 'stop',
    usage: { promptTokens: Math.ceil(chars / 4), completionTokens: 8 },
    model: request.model,
  };
}
