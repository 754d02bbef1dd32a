import { z } from 'zod';

/** Where a piece of the bank came from: copied from the seed text, or written for this project. */
export const Source = z.enum(['seed', 'authored']);

const Id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case');

/**
 * One thing a good answer says. `terms` are phrasings (words or short phrases, any inflection) that signal
 * the point; the embedded judge matches them inside one sentence of the answer, the LLM judge reads only
 * the statement.
 */
export const KeyPoint = z.object({
  id: Id,
  statement: z.string().min(5),
  weight: z.number().positive().max(10),
  terms: z.array(z.string().min(2)).min(1).optional(),
});
export type KeyPoint = z.infer<typeof KeyPoint>;

const LevelKey = z.enum(['1', '2', '3', '4', '5']);

/** What a 1..5 answer looks like. The bank's shared default applies where a question gives no note. */
export const LevelDescriptions = z.object({
  '1': z.string().min(3),
  '2': z.string().min(3),
  '3': z.string().min(3),
  '4': z.string().min(3),
  '5': z.string().min(3),
});
export type LevelDescriptions = z.infer<typeof LevelDescriptions>;

export const Rubric = z.object({
  keyPoints: z.array(KeyPoint).min(1).max(8),
  /** Per-question notes on a level, added to the shared level description. */
  levelNotes: z.partialRecord(LevelKey, z.string().min(3)).optional(),
  commonMistakes: z.array(z.string().min(3)).default([]),
  source: Source.default('authored'),
});
export type Rubric = z.infer<typeof Rubric>;
export type RubricInput = z.input<typeof Rubric>;

export const FollowUp = z.object({
  question: z.string().min(3),
  questionSource: Source,
  referenceAnswer: z.string().min(10),
  referenceSource: Source,
  rubric: Rubric,
});
export type FollowUp = z.infer<typeof FollowUp>;

export const Difficulty = z.enum(['easy', 'medium', 'hard']);
export const QuestionType = z.enum(['conceptual', 'scenario']);

export const Question = z.object({
  /** The seed's Topic value; other tools refer to questions by it. */
  id: Id,
  title: z.string().min(3),
  difficulty: Difficulty,
  type: QuestionType,
  topic: z.string().min(1),
  /** Authored grouping of related questions (the chat's topic picker), e.g. `llm-evaluation`. */
  area: Id,
  frequency: z.string().min(1),
  tags: z.array(z.string().min(1)).min(1),
  /** The seed's answer exactly as written, even where the seed cuts it off mid-sentence. */
  seedAnswer: z.string().min(1),
  explanation: z.string().min(1),
  /** What a top answer covers: the seed answer, completed from the explanation where the seed truncates it. */
  referenceAnswer: z.string().min(10),
  referenceSource: z.enum(['seed', 'seed-answer+explanation', 'authored']),
  rubric: Rubric,
  followUp: FollowUp,
});
export type Question = z.infer<typeof Question>;

export const Bank = z.object({
  version: z.string().min(1),
  source: z.string().min(1),
  /** The level descriptions every question shares. */
  levels: LevelDescriptions,
  questions: z.array(Question).min(1),
});
export type Bank = z.infer<typeof Bank>;
