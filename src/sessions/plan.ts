import type { BankIndex } from '../bank/bank-index.js';
import { FOLLOW_UP_SUFFIX } from '../bank/bank-index.js';
import type { Question } from '../bank/schema.js';
import { ValidationError } from '../errors.js';
import { DEFAULT_SESSION_QUESTIONS, type StartSessionRequest } from './schemas.js';
import { asksTheSame } from './text-similarity.js';

/** A source of numbers in [0, 1), e.g. `Math.random` or a seeded generator in tests. */
export type RandomSource = () => number;

/**
 * Pick the questions of a new session: those matching every filter given, shuffled, the first `count`
 * (default 3, capped at how many match). Each question appears once, and a question that asks the same
 * thing as a question or follow-up already picked (`asksTheSame`) is skipped, so nothing repeats in a session.
 * Nothing matching is a 400 that names the filters.
 */
export function pickQuestions(bank: BankIndex, request: StartSessionRequest, random: RandomSource): Question[] {
  const matching = bank.questions({ topic: request.topic, type: request.type, difficulty: request.difficulty });
  if (matching.length === 0) {
    const given = (['topic', 'type', 'difficulty'] as const).filter((k) => request[k] !== undefined);
    const described = given.map((k) => `${k} "${request[k]}"`).join(' and ');
    const areas = bank.areas().map((a) => a.id).join(', ');
    throw new ValidationError(
      given.map((field) => ({
        field,
        reason: `no question matches ${described}${field === 'topic' ? ` (topics include the areas ${areas})` : ''}`,
      })),
    );
  }
  return withoutRepeats(shuffle(matching, random), request.count ?? DEFAULT_SESSION_QUESTIONS);
}

/**
 * The first `count` questions of `ordered` whose question does not ask the same thing as a question or
 * follow-up taken before it (nor its follow-up the same as a question taken). Generic follow-ups such as
 * "Can you give a production example?" are about their own question, so follow-ups are not compared with
 * each other.
 */
export function withoutRepeats(ordered: readonly Question[], count: number): Question[] {
  const out: Question[] = [];
  for (const q of ordered) {
    if (out.length >= count) break;
    const clash = out.some(
      (p) => asksTheSame(q.title, p.title) || asksTheSame(q.title, p.followUp.question) || asksTheSame(q.followUp.question, p.title),
    );
    if (!clash) out.push(q);
  }
  return out;
}

/** Fisher-Yates on a copy. */
function shuffle<T>(items: readonly T[], random: RandomSource): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

/** The gradable ids a session asks, in order: each main question, then its follow-up. */
export function stepsOf(plan: readonly string[]): string[] {
  return plan.flatMap((id) => [id, `${id}${FOLLOW_UP_SUFFIX}`]);
}

/**
 * A small seeded generator (mulberry32) for reproducible sessions in tests and demos.
 *
 * @example const random = seededRandom(42); random(); // same sequence on every run
 */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
