import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
import { Difficulty, QuestionType } from '../bank/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Store } from '../store/store.js';
import { candidateProfile } from './candidate-profile.js';
import { sessionMarkdown } from './export-markdown.js';
import { stepsOf } from './plan.js';
import type { CandidateProfile } from './profile-schemas.js';
import { summarize } from './summary.js';
import { referenceOf, revealsReference, sessionView, turnView } from './views.js';

export interface PracticeServiceDeps {
  store: Store;
  bank: BankIndex;
  now?: () => Date;
}

/** A key point's id as the topic of a hint: `performance-impact` reads "performance impact". */
export const hintTopic = (keyPointId: string) => keyPointId.replace(/-/g, ' ');

/**
 * Practice over time: a candidate's profile and its deletion, hints, revealed model answers, the
 * Markdown export and the filter values of the bank. A profile is reached only by its id: nothing lists them.
 */
export function createPracticeService(deps: PracticeServiceDeps) {
  const { store, bank } = deps;
  const now = deps.now ?? (() => new Date());
  const mustSession = async (id: string) => {
    const s = await store.sessions.get(id);
    if (!s) throw new NotFoundError(`id: no session "${id}"`);
    return s;
  };
  const noProfile = (candidateId: string) => new NotFoundError(`candidateId: no practice profile "${candidateId}" (one starts with the first session sent with it)`);

  return {
    async profile(candidateId: string): Promise<CandidateProfile> {
      const sessions = await store.practice.sessionsOf(candidateId);
      if (sessions.length === 0) throw noProfile(candidateId);
      return candidateProfile(bank, candidateId, sessions, await store.practice.turnsOf(candidateId), now());
    },

    async deleteProfile(candidateId: string): Promise<void> {
      // One transaction: the grade log's links are cleared with the sessions they point at, or neither.
      if ((await store.transaction((tx) => tx.practice.deleteCandidate(candidateId))) === 0) throw noProfile(candidateId);
    },

    /** One key point of the current question, by its topic only; the same one on every call for that step. */
    async hint(sessionId: string): Promise<{ hint: { keyPointId: string; topic: string } }> {
      const s = await mustSession(sessionId);
      if (s.status === 'finished') throw new ConflictError(`id: session ${sessionId} is finished; there is no question to give a hint for`);
      const g = bank.gradable(stepsOf(s.plan)[s.cursor] ?? '');
      if (!g) throw new ConflictError(`id: the current question of session ${sessionId} is no longer in the bank`);
      const stored = await store.practice.hintFor(sessionId, s.cursor);
      const heaviest = [...g.rubric.keyPoints].sort((a, b) => b.weight - a.weight)[0];
      const keyPointId = stored ?? (await store.practice.saveHint(sessionId, s.cursor, heaviest?.id ?? g.rubric.keyPoints[0]?.id ?? 'answer', now().toISOString()));
      return { hint: { keyPointId, topic: hintTopic(keyPointId) } };
    },

    /** The model answer of a turn, recorded as viewed. A mock interview shows none until it is finished. */
    async reveal(turnId: string): Promise<{ reference: { answer: string; explanation: string | null } }> {
      const t = await store.turns.get(turnId);
      if (!t) throw new NotFoundError(`id: no turn "${turnId}"`);
      if (!revealsReference(await mustSession(t.sessionId))) throw new ConflictError('id: a mock interview shows model answers once it is finished');
      const reference = referenceOf(bank, t.questionId);
      if (!reference) throw new ConflictError(`id: question ${t.questionId} of this turn is no longer in the bank`);
      await store.practice.markModelAnswerViewed(turnId, now().toISOString());
      return { reference };
    },

    /** The transcript as Markdown: questions, answers, grades with evidence, model answers. */
    async exportMarkdown(sessionId: string): Promise<string> {
      const s = await mustSession(sessionId);
      const turns = await store.turns.bySession(sessionId);
      return sessionMarkdown(sessionView(bank, s), turns.map((t) => turnView(bank, s, t)), summarize(bank, turns), (id) => referenceOf(bank, id));
    },

    facets() {
      const qs = bank.bank.questions;
      const present = <T extends string>(values: readonly T[], of: (q: (typeof qs)[number]) => string) => values.filter((v) => qs.some((q) => of(q) === v));
      return {
        areas: bank.areas().map((a) => ({ area: a.id, label: areaLabel(a.id) })),
        types: present(QuestionType.options, (q) => q.type),
        difficulties: present(Difficulty.options, (q) => q.difficulty),
      };
    },
  };
}
export type PracticeService = ReturnType<typeof createPracticeService>;
