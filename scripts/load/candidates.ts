import type autocannon from 'autocannon';
import { z } from 'zod';
import type { BankIndex } from '../../src/bank/bank-index.js';

/** What the load test counts of the candidates' requests, beyond autocannon's status codes. */
export interface CandidateStats {
  sessionsStarted: number;
  /** Answers acknowledged (200), by the turn's outcome: `graded`, or `failed:<reason>`. */
  answers: Record<string, number>;
  /** Answers answered with another status, by status. */
  answerErrors: Record<string, number>;
  /** Latencies in ms, by request kind: `start`, and each answer outcome (`graded`, `failed:overloaded`, ...). */
  latencies: Record<string, number[]>;
}

// Only the fields the simulated candidate reads.
const Started = z.object({ session: z.object({ id: z.string() }), question: z.object({ questionId: z.string() }) });
const Answered = z.object({
  turn: z.object({ status: z.string(), failure: z.object({ reason: z.string() }).nullable() }),
  next: z.object({ questionId: z.string() }).nullable(),
});

// autocannon types a connection's context as `object`; this script is the only one that fills it.
interface Candidate {
  sessionId?: string | undefined;
  questionId?: string | undefined;
  sentAt?: number | undefined;
}

/**
 * One simulated candidate per connection: start a session of `questions` questions, then answer each
 * step (question, follow-up, ...) with the bank's reference answer, then start again. Each answer waits
 * for its grade, as the chat does.
 */
export function candidateRequests(bank: BankIndex, questions: number, stats: CandidateStats): autocannon.Request[] {
  const json = { 'content-type': 'application/json' };
  const answer: autocannon.Request = {
    method: 'POST',
    setupRequest(request, context) {
      const c = context as Candidate;
      const g = c.questionId ? bank.gradable(c.questionId) : undefined;
      // Session over (or never started): a falsy return makes autocannon start again from the first
      // request, which its types do not express.
      if (!c.sessionId || !g) return undefined as unknown as autocannon.Request;
      c.sentAt = performance.now();
      return { ...request, path: `/api/sessions/${c.sessionId}/answers`, headers: json, body: JSON.stringify({ answer: g.referenceAnswer }) };
    },
    onResponse(status, body, context) {
      const c = context as Candidate;
      if (status !== 200) {
        stats.answerErrors[status] = (stats.answerErrors[status] ?? 0) + 1;
        c.questionId = undefined;
        return;
      }
      const r = Answered.safeParse(JSON.parse(body));
      if (!r.success) {
        stats.answerErrors['bad-body'] = (stats.answerErrors['bad-body'] ?? 0) + 1;
        return;
      }
      const outcome = r.data.turn.status === 'failed' ? `failed:${r.data.turn.failure?.reason ?? '?'}` : r.data.turn.status;
      stats.answers[outcome] = (stats.answers[outcome] ?? 0) + 1;
      record(stats, outcome, c);
      c.questionId = r.data.next?.questionId;
    },
  };
  return [
    {
      method: 'POST',
      path: '/api/sessions',
      headers: json,
      body: JSON.stringify({ count: questions }),
      setupRequest(request, context) {
        (context as Candidate).sentAt = performance.now();
        return request;
      },
      onResponse(status, body, context) {
        const c = context as Candidate;
        record(stats, `start:${status}`, c);
        const r = status === 201 ? Started.safeParse(JSON.parse(body)) : null;
        if (!r?.success) return;
        stats.sessionsStarted += 1;
        c.sessionId = r.data.session.id;
        c.questionId = r.data.question.questionId;
      },
    },
    ...Array.from({ length: questions * 2 }, () => answer),
  ];
}

function record(stats: CandidateStats, kind: string, c: Candidate): void {
  if (c.sentAt === undefined) return;
  (stats.latencies[kind] ??= []).push(performance.now() - c.sentAt);
  c.sentAt = undefined;
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}
