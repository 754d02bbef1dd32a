import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCachedChat } from '../../evals/llm-cache.js';
import { answerNonce } from '../../src/judge/llm/untrusted-text.js';
import { answerBlock, fakeJudgeCompleter, llmSetup } from '../helpers/llm.js';

const request = { questionId: 'data-drift', answer: 'Production inputs drift away from the training data; we watch PSI per feature.' };

describe('delimiter codes', () => {
  it('are the same for the same answer and order, and differ otherwise', () => {
    expect(answerNonce('a', 'reference-first')).toBe(answerNonce('a', 'reference-first'));
    expect(answerNonce('a', 'reference-first')).not.toBe(answerNonce('a', 'reference-last'));
    expect(answerNonce('a', 'reference-first')).not.toBe(answerNonce('b', 'reference-first'));
    expect(answerNonce('a', 'x')).toMatch(/^[0-9a-f]{24}$/);
  });

  it('do not occur in the answer they enclose', async () => {
    const completer = fakeJudgeCompleter();
    await llmSetup(completer).grade(request);
    for (const r of completer.requests) {
      const block = answerBlock(r.messages.map((m) => m.content).join('\n'));
      expect(block).not.toBeNull();
      expect(block?.content).not.toContain(block?.nonce ?? '?');
    }
  });

  it('keep the rendered prompt stable, so a second eval run replays every reply from the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const first = fakeJudgeCompleter();
    await llmSetup(createCachedChat(first, { dir, replay: false })).grade(request);
    expect(first.requests).toHaveLength(2);

    // A new judge, as in a new process: --replay must find both orders' replies.
    const second = fakeJudgeCompleter();
    const replay = createCachedChat(second, { dir, replay: true });
    const g = await llmSetup(replay).grade(request);
    expect(second.requests).toHaveLength(0);
    expect(g.unscored).toBeNull();
    expect(g.consistency?.referenceFirst).not.toBeNull();
  });
});
