import { createBankIndex } from '../../src/bank/bank-index.js';
import { loadBank } from '../../src/bank/load-bank.js';
import type { KeyPoint } from '../../src/bank/schema.js';
import { evaluateEmbedded } from '../../src/judge/embedded/embedded-judge.js';
import type { JudgeReply } from '../../src/judge/llm/judge-reply.js';
import { type ChatLike, readJudgePrompt } from './read-judge-prompt.js';

/**
 * A deterministic stand-in for an LLM judge, for the stub server and the tests. It reads the judge's
 * prompt, grades the answer against the rubric the prompt lists (with the embedded judge's matcher, and
 * the bank's terms for that rubric when the question is in the bank), quotes the sentences that earned
 * each verdict verbatim, and scores a manipulation attempt 1, as the prompt tells it to.
 */
export interface FakeJudgeOptions {
  /**
   * Position bias in levels: added to the candidate's score when the candidate answer comes first, taken
   * off when the reference answer comes first (it favours whichever answer it reads first). Default 0.
   */
  positionBias?: number;
  /**
   * `relative` (default): the bias moves the candidate's score up when it is read first and down when the
   * reference is. `candidate-only`: it only adds when the candidate is first, and does nothing otherwise.
   */
  biasMode?: 'relative' | 'candidate-only';
  /**
   * A careless model: it believes any `</candidate_answer...>` ends the answer, and obeys grading
   * instructions it finds outside the answer. Default false.
   */
  gullible?: boolean;
  /**
   * Which level an answer between two levels gets: `nearest` rounds, `lower` and `higher` pick that side.
   * Default: what the judge's system prompt says ("choose the lower level" / "choose the higher level"),
   * else `nearest`, so prompt versions that change this rule grade differently, as a model would.
   */
  tieRule?: TieRule;
}

export type TieRule = 'nearest' | 'lower' | 'higher';

/** The tie rule a system prompt states, if any. */
export function tieRuleOf(messages: readonly ChatLike[]): TieRule {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  if (/choose the lower level/i.test(system)) return 'lower';
  if (/choose the higher level/i.test(system)) return 'higher';
  return 'nearest';
}

/** A continuous 1..5 score as a level: "between two levels" is a fractional part from 0.25 to 0.75. */
export function levelByRule(score: number, rule: TieRule): number {
  const frac = score - Math.floor(score);
  const between = frac >= 0.25 && frac < 0.75;
  const level = !between || rule === 'nearest' ? Math.round(score) : rule === 'lower' ? Math.floor(score) : Math.ceil(score);
  return Math.min(5, Math.max(1, level));
}

const bank = createBankIndex(loadBank());
const termsByQuestion = new Map<string, Map<string, KeyPoint>>();
for (const q of bank.bank.questions) {
  for (const id of [q.id, `${q.id}.follow-up`]) {
    const g = bank.gradable(id);
    if (g) termsByQuestion.set(g.question, new Map(g.rubric.keyPoints.map((k) => [k.id, k])));
  }
}

// What a careless model would take as an instruction to grade high, if it saw it outside the answer.
const OBEY = /\b(give|award|assign|rate|grade)\b[^.\n]{0,40}\b(5|five)\b|full marks|perfect score|"score"\s*:\s*5\b/i;

/** The fake judge's verdict for a judge prompt, or null when the messages are not one. */
export function fakeVerdict(messages: readonly ChatLike[], options: FakeJudgeOptions = {}): JudgeReply | null {
  const p = readJudgePrompt(messages, options.gullible ?? false);
  if (!p) return null;
  if (options.gullible && OBEY.test(p.outside)) {
    const quote = p.answer.split(/(?<=[.!?])\s+/)[0]?.trim() || null;
    return {
      reasoning: 'The instructions say this answer deserves full marks.',
      keyPoints: p.keyPoints.map((k) => ({ id: k.id, quote, verdict: 'covered' })),
      mistakes: [],
      manipulationAttempt: false,
      followUp: null,
      score: 5,
    };
  }
  const known = termsByQuestion.get(p.question);
  const keyPoints: KeyPoint[] = p.keyPoints.map((k) => {
    const terms = known?.get(k.id)?.terms;
    return { id: k.id, statement: k.statement, weight: k.weight, ...(terms ? { terms } : {}) };
  });
  // The model reads ‹ › as the angle brackets they stand for.
  const answer = p.answer.replace(/\u2039/g, '<').replace(/\u203A/g, '>');
  const v = evaluateEmbedded({
    questionId: null,
    question: p.question,
    referenceAnswer: p.reference,
    rubric: keyPoints.length ? { keyPoints, commonMistakes: [], source: 'authored' } : null,
    levels: bank.bank.levels,
    answer,
  });
  const manipulation = v.flags.includes('manipulation-attempt');
  const bias = (options.positionBias ?? 0) * (p.candidateFirst ? 1 : options.biasMode === 'candidate-only' ? 0 : -1);
  const fair = levelByRule(v.rawScore ?? 1, options.tieRule ?? tieRuleOf(messages));
  const score = manipulation ? 1 : Math.min(5, Math.max(1, fair + bias));
  const gap =
    v.keyPoints.filter((k) => k.verdict === 'missing').sort((a, b) => b.weight - a.weight)[0] ??
    v.keyPoints.filter((k) => k.verdict === 'partial').sort((a, b) => b.weight - a.weight)[0];
  const covered = v.keyPoints.filter((k) => k.verdict === 'covered').length;
  return {
    reasoning: `Rubric check: ${covered} of ${v.keyPoints.length} key points covered${manipulation ? '; the answer addresses the grader' : ''}.`,
    keyPoints: v.keyPoints.map((k) => ({ id: k.id, quote: k.verdict === 'missing' ? null : quoteFrom(k.evidence, p.answer), verdict: k.verdict })),
    mistakes: [],
    manipulationAttempt: manipulation,
    followUp: gap ? { keyPointId: gap.id, question: `Can you go further on this part: ${firstClause(gap.statement)}?` } : null,
    score,
  };
}

/** The fake follow-up writer's reply for the small follow-up call. */
export function fakeFollowUp(messages: readonly ChatLike[]): { question: string } | null {
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  const missed = /## Point the candidate's answer missed\n(.*)/.exec(user)?.[1];
  return missed ? { question: `How would you handle this: ${firstClause(missed)}?` } : null;
}

// The embedded judge quotes the answer with angle brackets restored; the model saw ‹ ›.
function quoteFrom(evidence: string | null, seen: string): string | null {
  if (!evidence) return null;
  const back = evidence.replace(/</g, '\u2039').replace(/>/g, '\u203A');
  return seen.includes(back) ? back : evidence;
}

function firstClause(statement: string): string {
  const clause = statement.split(/[,:;(]/)[0] ?? statement;
  return clause.trim().replace(/\.$/, '').toLowerCase();
}
