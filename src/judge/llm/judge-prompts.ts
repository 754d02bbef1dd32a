import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPoint } from '../../bank/schema.js';
import { DEFAULT_PROMPTS_DIR, loadPrompt, type PromptFile, versionOf } from '../../prompts/prompt-file.js';
import type { ChatMessage } from '../chat.js';
import type { GradingTask } from '../judge.js';
import { FollowUpReply, JudgeReply, jsonSchemaOf } from './judge-reply.js';
import { neutralise } from './untrusted-text.js';

/** Which side of the candidate answer the reference answer is shown on. */
export type JudgeOrder = 'reference-first' | 'reference-last';
export const ORDERS: readonly JudgeOrder[] = ['reference-first', 'reference-last'];

/** The prompt files of the LLM judge, loaded and checked once at start-up. */
export interface JudgePrompts {
  /** Name of the prompt version: `default` for the files in `prompts/`, else its folder in `prompts/judge/`. */
  name: string;
  system: PromptFile;
  user: PromptFile;
  reference: PromptFile;
  answer: PromptFile;
  repair: PromptFile;
  followUpSystem: PromptFile;
  followUpUser: PromptFile;
  /** Content hash over every file and both reply schemas: recorded on every grade. */
  version: string;
  judgeSchema: { name: string; schema: Record<string, unknown> };
  followUpSchema: { name: string; schema: Record<string, unknown> };
}

/** The prompt files that make up one version of the judge's prompt. */
export const JUDGE_PROMPT_FILES = [
  'judge-system',
  'judge-user',
  'judge-reference',
  'judge-answer',
  'judge-repair',
  'follow-up-system',
  'follow-up-user',
] as const;

export interface LoadJudgePromptsOptions {
  /** Name recorded for this version. Default `default`. */
  name?: string;
  /** A folder whose files replace those of `dir` with the same name; files it lacks come from `dir`. */
  overrides?: string;
}

/** Load the judge's prompts from `prompts/` (or `dir`). Throws a `ConfigError` naming a bad file. */
export function loadJudgePrompts(dir: string = DEFAULT_PROMPTS_DIR, options: LoadJudgePromptsOptions = {}): JudgePrompts {
  const { overrides } = options;
  const load = (name: (typeof JUDGE_PROMPT_FILES)[number]) =>
    loadPrompt(name, overrides && existsSync(join(overrides, `${name}.md`)) ? overrides : dir);
  const files = {
    system: load('judge-system'),
    user: load('judge-user'),
    reference: load('judge-reference'),
    answer: load('judge-answer'),
    repair: load('judge-repair'),
    followUpSystem: load('follow-up-system'),
    followUpUser: load('follow-up-user'),
  };
  const judgeSchema = jsonSchemaOf(JudgeReply, 'judge_verdict');
  const followUpSchema = jsonSchemaOf(FollowUpReply, 'follow_up');
  const version = versionOf('judge', [
    ...Object.values(files).map((f) => `${f.name}\n${f.source}`),
    JSON.stringify(judgeSchema),
    JSON.stringify(followUpSchema),
  ]);
  return { name: options.name ?? 'default', ...files, version, judgeSchema, followUpSchema };
}

/** One key point per line, as the judge sees it: `- [id] (weight 2) statement`. */
export function formatKeyPoints(points: readonly KeyPoint[]): string {
  return points.map((p) => `- [${p.id}] (weight ${p.weight}) ${neutralise(p.statement)}`).join('\n');
}

/**
 * The judge's messages for one order. Every text that came from a request (the answer always, the
 * question, reference and rubric of an ad-hoc request) is neutralised; the answer also sits inside tags
 * that carry this request's nonce.
 */
export function judgeMessages(
  prompts: JudgePrompts,
  task: GradingTask,
  points: readonly KeyPoint[],
  order: JudgeOrder,
  nonce: string,
): ChatMessage[] {
  const reference = prompts.reference.render({ referenceAnswer: neutralise(task.referenceAnswer) });
  const answer = prompts.answer.render({ nonce, answer: neutralise(task.answer) });
  const mistakes = task.rubric?.commonMistakes ?? [];
  const levels = (['1', '2', '3', '4', '5'] as const).map((k) => `${k}: ${neutralise(task.levels[k])}`).join('\n');
  const user = prompts.user.render({
    question: neutralise(task.question),
    keyPoints: formatKeyPoints(points),
    commonMistakes: mistakes.length ? mistakes.map((m) => `- ${neutralise(m)}`).join('\n') : '(none listed)',
    levels,
    first: order === 'reference-first' ? reference : answer,
    second: order === 'reference-first' ? answer : reference,
    nonce,
  });
  return [
    { role: 'system', content: prompts.system.render({}) },
    { role: 'user', content: user },
  ];
}

/** Messages of the repair call: the rejected reply stays in the conversation so the model sees it. */
export function repairMessages(prompts: JudgePrompts, messages: readonly ChatMessage[], rejected: string, problem: string): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: rejected },
    { role: 'user', content: prompts.repair.render({ problem }) },
  ];
}

/** Messages of the small follow-up call. No candidate text goes in. */
export function followUpMessages(prompts: JudgePrompts, task: GradingTask, missed: KeyPoint): ChatMessage[] {
  return [
    { role: 'system', content: prompts.followUpSystem.render({}) },
    {
      role: 'user',
      content: prompts.followUpUser.render({
        question: neutralise(task.question),
        referenceAnswer: neutralise(task.referenceAnswer),
        missedPoint: neutralise(missed.statement),
      }),
    },
  ];
}
