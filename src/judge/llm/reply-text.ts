/**
 * The answer a chat completion carries, without the model's reasoning.
 *
 * Providers put reasoning in three places: a separate field (`reasoning_content` from DeepSeek and vLLM's
 * reasoning parsers, `reasoning` from OpenRouter and Ollama), a `thinking` part of a content list (Mistral's
 * reasoning models), or inline in `content` between `<think>` tags (vLLM without a reasoning parser,
 * llama.cpp with `--reasoning-format none`). The verdict is taken from the answer only: a draft JSON object in
 * the reasoning must never be graded.
 */

/** One part of a content list, as Mistral (and the OpenAI content-part shape) sends it. */
type ContentPart = { type?: unknown; text?: unknown };

/**
 * Join the text parts of a content list; `thinking` (and any other non-text) parts are left out.
 * A string is returned as is; anything else is no content.
 */
export function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content
    .filter((p): p is ContentPart => typeof p === 'object' && p !== null)
    .filter((p) => (p.type === 'text' || p.type === 'output_text') && typeof p.text === 'string')
    .map((p) => p.text as string);
  return texts.length ? texts.join('') : null;
}

const OPEN = /<(think|thinking|reasoning)>/i;
const CLOSE = /<\/(think|thinking|reasoning)>/gi;

/**
 * Remove inline reasoning from a reply: every `<think>...</think>` block; text before an orphan closing tag
 * (the chat template opened the block, so the reply starts inside it); and everything after an opening tag
 * that is never closed (the reply was cut off while still reasoning, so there is no answer yet).
 *
 * @example stripReasoning('<think>maybe {"score": 5}</think>{"score": 2}') // '{"score": 2}'
 */
export function stripReasoning(text: string): string {
  if (!/<\/?(think|thinking|reasoning)>/i.test(text)) return text;
  let out = text;
  // Everything up to the LAST closing tag is reasoning, whether or not its opening tag is in the reply.
  let lastClose = -1;
  let closeLength = 0;
  for (const m of out.matchAll(CLOSE)) {
    lastClose = m.index;
    closeLength = m[0].length;
  }
  if (lastClose >= 0) out = out.slice(lastClose + closeLength);
  const open = OPEN.exec(out);
  if (open) out = out.slice(0, open.index);
  return out.trim();
}

/** The answer of a message's `content`, reasoning removed; null when there is none. */
export function answerOf(content: unknown): string | null {
  const text = contentText(content);
  if (text === null) return null;
  return stripReasoning(text);
}
