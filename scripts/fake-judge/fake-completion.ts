import { encode, encodeChat } from 'gpt-tokenizer/model/gpt-4o-mini';
import { z } from 'zod';
import { type FakeJudgeOptions, fakeFollowUp, fakeVerdict } from './fake-judge.js';

/** The part of a chat completions request body the fake reads. */
export const CompletionRequest = z.object({
  model: z.string().min(1),
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant', 'developer']), content: z.string() }))
    .min(1),
  response_format: z.object({ type: z.enum(['json_schema', 'json_object', 'text']) }).loose().optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().optional(),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

/**
 * An OpenAI chat completion answered by the fake judge. Token counts are real: the gpt-4o-mini tokenizer
 * (o200k_base) over the chat messages and the reply, so the stub shows what a grade costs in tokens.
 * A JSON response_format gets bare JSON; without one the JSON comes after a sentence of prose, as many
 * local models write it.
 */
export function fakeCompletion(request: CompletionRequest, options: FakeJudgeOptions = {}) {
  const value = fakeVerdict(request.messages, options) ?? fakeFollowUp(request.messages);
  const json = value ? JSON.stringify(value) : null;
  const wantsJson = request.response_format?.type === 'json_schema' || request.response_format?.type === 'json_object';
  const content = json === null ? 'I can only grade interview answers.' : wantsJson ? json : `Here is my verdict.\n\n${json}`;
  const chat = request.messages.map((m) => ({ role: m.role === 'developer' ? ('system' as const) : m.role, content: m.content }));
  const promptTokens = encodeChat(chat).length;
  const completionTokens = encode(content).length;
  return {
    id: `chatcmpl-fake-${promptTokens}-${completionTokens}`,
    object: 'chat.completion' as const,
    created: 1_700_000_000,
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant' as const, content, refusal: null }, finish_reason: 'stop' as const, logprobs: null }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}
