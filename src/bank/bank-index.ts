import type { Bank, LevelDescriptions, Question, Rubric } from './schema.js';

/** Suffix that names a question's follow-up: `data-drift.follow-up`. */
export const FOLLOW_UP_SUFFIX = '.follow-up';

/** Anything the judge can grade from the bank: a main question or a follow-up, resolved to one shape. */
export interface Gradable {
  id: string;
  /** The main question this belongs to (itself for a main question). */
  questionId: string;
  kind: 'main' | 'follow-up';
  question: string;
  referenceAnswer: string;
  rubric: Rubric;
  /** Level descriptions with this question's notes appended. */
  levels: LevelDescriptions;
  /** The question to ask next: the follow-up of a main question, null for a follow-up. */
  followUp: string | null;
  area: string;
}

export interface QuestionFilter {
  topic?: string | undefined;
  type?: string | undefined;
  difficulty?: string | undefined;
}

export interface BankIndex {
  readonly bank: Bank;
  questions(filter?: QuestionFilter): Question[];
  question(id: string): Question | undefined;
  /** Resolve a main question or `<id>.follow-up` id. */
  gradable(id: string): Gradable | undefined;
  /** Area ids with their question counts, in bank order. */
  areas(): { id: string; count: number }[];
}

export function withNotes(levels: LevelDescriptions, rubric: Rubric | null | undefined): LevelDescriptions {
  const notes = rubric?.levelNotes;
  if (!notes) return levels;
  const out = { ...levels };
  for (const k of ['1', '2', '3', '4', '5'] as const) {
    const note = notes[k];
    if (note) out[k] = `${levels[k]} For this question: ${note}`;
  }
  return out;
}

export function createBankIndex(bank: Bank): BankIndex {
  const byId = new Map(bank.questions.map((q) => [q.id, q]));

  function gradable(id: string): Gradable | undefined {
    const isFollowUp = id.endsWith(FOLLOW_UP_SUFFIX);
    const q = byId.get(isFollowUp ? id.slice(0, -FOLLOW_UP_SUFFIX.length) : id);
    if (!q) return undefined;
    if (isFollowUp) {
      return {
        id,
        questionId: q.id,
        kind: 'follow-up',
        question: q.followUp.question,
        referenceAnswer: q.followUp.referenceAnswer,
        rubric: q.followUp.rubric,
        levels: withNotes(bank.levels, q.followUp.rubric),
        followUp: null,
        area: q.area,
      };
    }
    return {
      id,
      questionId: q.id,
      kind: 'main',
      question: q.title,
      referenceAnswer: q.referenceAnswer,
      rubric: q.rubric,
      levels: withNotes(bank.levels, q.rubric),
      followUp: q.followUp.question,
      area: q.area,
    };
  }

  return {
    bank,
    question: (id) => byId.get(id),
    questions(filter = {}) {
      return bank.questions.filter(
        (q) =>
          (!filter.topic || q.topic === filter.topic || q.area === filter.topic) &&
          (!filter.type || q.type === filter.type) &&
          (!filter.difficulty || q.difficulty === filter.difficulty),
      );
    },
    gradable,
    areas() {
      const counts = new Map<string, number>();
      for (const q of bank.questions) counts.set(q.area, (counts.get(q.area) ?? 0) + 1);
      return [...counts].map(([id, count]) => ({ id, count }));
    },
  };
}
