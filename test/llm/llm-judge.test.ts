import { describe, expect, it } from 'vitest';
import { Grade } from '../../src/grading/grade-schema.js';
import type { ChatRequest } from '../../src/judge/chat.js';
import { createLlmLimiter } from '../../src/judge/llm/llm-limiter.js';
import { llmSetup, reply, scriptedCompleter } from '../helpers/llm.js';
import { ANSWER, QUOTES, verdict } from './verdicts.js';

const request = { questionId: 'data-drift', answer: ANSWER };

/** Which order a judge request is: where the reference block stands relative to the answer block. */
function orderOf(r: ChatRequest): 'reference-first' | 'reference-last' {
  const user = r.messages.find((m) => m.role === 'user')?.content ?? '';
  return user.indexOf('<reference_answer>') < user.indexOf('<candidate_answer_') ? 'reference-first' : 'reference-last';
}

describe('LLM judge: position swap', () => {
  it('runs both orders concurrently, the reference before the answer in one and after it in the other', async () => {
    let bothInFlight = false;
    const completer = scriptedCompleter(async (_r, i) => {
      // The first call does not answer until the second has been sent: sequential orders would never get here.
      if (i === 0) {
        for (let t = 0; t < 200 && completer.requests.length < 2; t++) await new Promise((r) => setTimeout(r, 5));
        bothInFlight = completer.requests.length === 2;
      }
      return reply(verdict());
    });
    const { grade } = llmSetup(completer);
    await grade(request);
    expect(bothInFlight).toBe(true);
    expect(completer.requests.map(orderOf).sort()).toEqual(['reference-first', 'reference-last']);
  });

  it('scores the mean of the two orders and returns both scores with their spread', async () => {
    const completer = scriptedCompleter((r) => reply(verdict({ score: orderOf(r) === 'reference-first' ? 4 : 3 })));
    const g = Grade.parse(await llmSetup(completer).grade(request));
    expect(g.rawScore).toBe(3.5);
    expect(g.score).toBe(3.5);
    expect(g.level).toEqual({ value: 4, label: 'strong' });
    expect(g.consistency).toEqual({ referenceFirst: 4, referenceLast: 3, spread: 1, inconsistent: false, resolution: 'mean' });
    expect(g.runs.map((r) => [r.order, r.score])).toEqual([['reference-first', 4], ['reference-last', 3]]);
    expect(g.flags).not.toContain('low-confidence');
    expect(g.judge).toMatchObject({ kind: 'llm', model: 'judge-model', promptVersion: expect.stringMatching(/^judge-[0-9a-f]{12}$/) });
  });

  it('marks a spread of 2 levels or more inconsistent and shows it as low confidence', async () => {
    const completer = scriptedCompleter((r) => reply(verdict({ score: orderOf(r) === 'reference-first' ? 5 : 3 })));
    const g = await llmSetup(completer).grade(request);
    expect(g.consistency).toEqual({ referenceFirst: 5, referenceLast: 3, spread: 2, inconsistent: true, resolution: 'low-confidence' });
    expect(g.score).toBe(4);
    expect(g.flags).toContain('low-confidence');
    expect(completer.requests).toHaveLength(2); // no tie-break call
  });

  it('merges key points: covered only if both orders say so, missing only if both do, else partial', async () => {
    const completer = scriptedCompleter((r) =>
      reply(
        orderOf(r) === 'reference-first'
          ? verdict({ points: { detection: ['partial', QUOTES.detection], response: ['missing', null] } })
          : verdict({ points: { 'performance-impact': ['missing', null], detection: ['partial', QUOTES.detection] } }),
      ),
    );
    const g = await llmSetup(completer).grade(request);
    const byId = Object.fromEntries(g.keyPoints.map((k) => [k.id, k]));
    expect(byId['core-definition']).toMatchObject({ verdict: 'covered', evidence: QUOTES['core-definition'] });
    expect(byId['core-definition']?.flag).toBeUndefined();
    expect(byId['performance-impact']).toMatchObject({ verdict: 'partial', evidence: QUOTES['performance-impact'] });
    expect(byId['performance-impact']?.flag).toContain('covered with the reference first, missing with it last');
    expect(byId.detection).toMatchObject({ verdict: 'partial', evidence: QUOTES.detection });
    expect(byId.response).toMatchObject({ verdict: 'missing', evidence: null });
    expect(g.strengths).toEqual([expect.stringContaining('Data drift (covariate shift)')]);
    expect(g.gaps).toEqual([expect.stringMatching(/^Missing: /), expect.stringMatching(/^Only partly: /), expect.stringMatching(/^Only partly: /)]);
  });

  it('sums token usage over both orders and reports each run with its raw reply and finish reason', async () => {
    const completer = scriptedCompleter((r) =>
      reply(verdict(), { usage: orderOf(r) === 'reference-first' ? { promptTokens: 1200, completionTokens: 150 } : { promptTokens: 1210, completionTokens: 160 } }),
    );
    const g = await llmSetup(completer).grade(request);
    expect(g.usage).toEqual({ promptTokens: 2410, completionTokens: 310 });
    for (const run of g.runs) {
      expect(JSON.parse(run.raw)).toEqual(verdict());
      expect(run).toMatchObject({ finishReason: 'stop', responseFormat: 'json_schema', judgeScore: 4, model: 'judge-model' });
    }
  });
});

describe('LLM judge: evidence check', () => {
  it('downgrades a verdict whose quote is not in the answer, flags it and takes its credit off the score', async () => {
    const invented = 'We retrain the model automatically every night on fresh data.';
    const completer = scriptedCompleter(() => reply(verdict({ score: 5, points: { response: ['covered', invented] } })));
    const g = await llmSetup(completer).grade(request);
    const response = g.keyPoints.find((k) => k.id === 'response');
    expect(response).toMatchObject({ verdict: 'missing', evidence: null });
    expect(response?.flag).toContain(`its quote is not in the answer: "${invented}"`);
    expect(g.flags).toContain('unverified-quote');
    // response weighs 1 of 8: 4 levels x 1/8 = 0.5 off the judge's 5, in each order.
    expect(g.runs.map((r) => [r.judgeScore, r.score])).toEqual([[5, 4.5], [5, 4.5]]);
    expect(g.rawScore).toBe(4.5);
  });

  it('downgrades a covered verdict that gives no quote at all', async () => {
    const completer = scriptedCompleter(() => reply(verdict({ points: { detection: ['covered', null] } })));
    const g = await llmSetup(completer).grade(request);
    expect(g.keyPoints.find((k) => k.id === 'detection')).toMatchObject({ verdict: 'missing', flag: expect.stringContaining('without quoting') });
  });

  it('accepts a quote that differs from the answer only in case, white space and edge punctuation', async () => {
    const loose = '  "data DRIFT is when   production inputs\nmove away from the training data"  ';
    const completer = scriptedCompleter(() => reply(verdict({ points: { 'core-definition': ['covered', loose] } })));
    const g = await llmSetup(completer).grade(request);
    expect(g.keyPoints.find((k) => k.id === 'core-definition')?.verdict).toBe('covered');
    expect(g.flags).not.toContain('unverified-quote');
  });
});

describe('LLM judge: adaptive follow-up', () => {
  it('uses the follow-up the judge wrote for the most important gap, with no extra call', async () => {
    const completer = scriptedCompleter(() => reply(verdict()));
    const { grade, calls, onLlmCall } = llmSetup(completer);
    const g = await grade(request, { onLlmCall });
    expect(g.adaptiveFollowUp).toBe('What would you do once you have detected significant drift?');
    expect(g.followUp).toBe('What is concept drift?');
    expect(calls.map((c) => c.order).sort()).toEqual(['reference-first', 'reference-last']);
  });

  it('makes one small follow-up call, without the answer in it, when no proposal aims at a missed point', async () => {
    const invented = 'We retrain nightly.';
    const completer = scriptedCompleter((r) =>
      r.jsonSchema?.name === 'follow_up'
        ? reply({ question: 'How would you decide when drift calls for retraining?' })
        : reply(verdict({ followUp: null, points: { response: ['covered', invented] } })),
    );
    const { grade, calls, onLlmCall } = llmSetup(completer);
    const g = await grade(request, { onLlmCall });
    expect(g.adaptiveFollowUp).toBe('How would you decide when drift calls for retraining?');
    const followUpCall = calls.find((c) => c.order === 'follow-up');
    expect(followUpCall?.request.messages.map((m) => m.content).join('\n')).not.toContain('production inputs move away');
    expect(followUpCall?.request.messages[1]?.content).toContain('Monitoring feature distributions alongside business outcomes');
    expect(g.usage).toEqual({ promptTokens: 3000, completionTokens: 300 });
  });

  it('gives no adaptive follow-up when every key point is covered', async () => {
    const completer = scriptedCompleter(() =>
      reply(verdict({ followUp: null, score: 5, points: { response: ['covered', 'We compare feature distributions'] } })),
    );
    const g = await llmSetup(completer).grade(request);
    expect(g.keyPoints.every((k) => k.verdict === 'covered')).toBe(true);
    expect(g.adaptiveFollowUp).toBeNull();
    expect(completer.requests).toHaveLength(2);
  });
});

describe('LLM judge: shared limiter', () => {
  it('never has more LLM calls in flight than the limit, and queues the rest', async () => {
    const limiter = createLlmLimiter(2);
    let inFlight = 0;
    let maxInFlight = 0;
    let maxPending = 0;
    const completer = scriptedCompleter(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      maxPending = Math.max(maxPending, limiter.pendingCount);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return reply(verdict());
    });
    const { grade } = llmSetup(completer, { limiter });
    const grades = await Promise.all(Array.from({ length: 5 }, () => grade(request)));
    expect(grades.every((g) => g.score === 4)).toBe(true);
    expect(completer.requests).toHaveLength(10);
    expect(maxInFlight).toBe(2);
    expect(maxPending).toBeGreaterThan(0);
    expect(limiter.activeCount).toBe(0);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => createLlmLimiter(0)).toThrow(/at least 1/);
  });
});

describe('LLM judge: ad-hoc questions', () => {
  it('grades against key points taken from the reference answer when there is no rubric', async () => {
    const completer = scriptedCompleter(() =>
      reply({ reasoning: 'ok', keyPoints: [{ id: 'reference-1', quote: 'small share of traffic', verdict: 'covered' }], mistakes: [], manipulationAttempt: false, followUp: null, score: 5 }),
    );
    const g = await llmSetup(completer).grade({
      question: 'What is a canary release?',
      referenceAnswer: 'A canary release sends a small share of traffic to the new version first.',
      answer: 'You send a small share of traffic to the new build.',
    });
    expect(completer.requests[0]?.messages[1]?.content).toContain('- [reference-1] (weight 1) A canary release sends a small share');
    expect(g).toMatchObject({ questionId: null, score: 5, keyPoints: [{ id: 'reference-1', verdict: 'covered' }] });
  });
});
