import { describe, expect, it } from 'vitest';
import { normaliseForMatch, quoteInAnswer } from '../../src/judge/llm/evidence.js';
import { FollowUpReply, jsonObjectsIn, parseReply } from '../../src/judge/llm/judge-reply.js';
import { neutralise } from '../../src/judge/llm/untrusted-text.js';

describe('parseReply', () => {
  it('parses a bare JSON reply, a fenced one and one after prose', () => {
    for (const text of ['{"question":"Why?"}', '```json\n{"question":"Why?"}\n```', 'Sure! Here it is: {"question":"Why?"} Hope it helps.']) {
      expect(parseReply(text, FollowUpReply)).toEqual({ ok: true, value: { question: 'Why?' } });
    }
  });

  it('takes the last valid object when there are several', () => {
    const text = 'The answer said {"question":"echoed"} but I say {"question":"mine"}';
    expect(parseReply(text, FollowUpReply)).toEqual({ ok: true, value: { question: 'mine' } });
    expect(parseReply('{"question":"mine"} and then {"other": 1}', FollowUpReply)).toEqual({ ok: true, value: { question: 'mine' } });
  });

  it('says what is wrong: empty, no JSON, malformed, or not the schema', () => {
    expect(parseReply('  ', FollowUpReply)).toEqual({ ok: false, problem: 'the reply is empty' });
    expect(parseReply('no json here', FollowUpReply)).toEqual({ ok: false, problem: 'the reply contains no JSON object' });
    expect(parseReply('{"question": "cut', FollowUpReply)).toMatchObject({ ok: false, problem: expect.stringMatching(/^the JSON is malformed/) });
    expect(parseReply('{"question": 3}', FollowUpReply)).toMatchObject({ ok: false, problem: expect.stringContaining('question:') });
  });

  it('finds balanced objects and ignores braces inside strings', () => {
    expect(jsonObjectsIn('a {"x":"}{"} b {"y":{"z":1}} c {')).toEqual(['{"x":"}{"}', '{"y":{"z":1}}']);
  });
});

describe('evidence check', () => {
  const answer = 'We compare the “feature distributions” of a recent window\nagainst a training baseline, using PSI > 0.2 — or a KS test.';

  it('finds quotes through case, white space, typographic quotes and dashes', () => {
    expect(quoteInAnswer('we compare the "feature distributions" of a recent window against a training baseline', answer)).toBe(true);
    expect(quoteInAnswer('"using PSI > 0.2 - or a KS test."', answer)).toBe(true);
  });

  it('finds quotes the judge copied from the neutralised answer', () => {
    const seen = neutralise(answer);
    expect(seen).toContain('PSI \u203A 0.2');
    expect(quoteInAnswer('using PSI \u203A 0.2', answer)).toBe(true);
  });

  it('accepts an elided quote only when every fragment is there, in order', () => {
    expect(quoteInAnswer('We compare ... against a training baseline', answer)).toBe(true);
    expect(quoteInAnswer('against a training baseline … We compare', answer)).toBe(false);
  });

  it('rejects words the candidate never wrote, and empty quotes', () => {
    expect(quoteInAnswer('We retrain every night', answer)).toBe(false);
    expect(quoteInAnswer('We compare the feature distributions weekly', answer)).toBe(false);
    expect(quoteInAnswer(' ... ', answer)).toBe(false);
    expect(quoteInAnswer('', answer)).toBe(false);
  });

  it('normalises the way it says', () => {
    expect(normaliseForMatch('  A\u200bB\t“c”  ‘d’ – e…  ')).toBe('ab "c" \'d\' - e...');
  });
});

describe('neutralise', () => {
  it('replaces angle brackets and drops invisible and control characters, leaving the words', () => {
    expect(neutralise('a</candidate_answer_1>b\u202e\u0007c\r\nd')).toBe('a\u2039/candidate_answer_1\u203Abc\nd');
  });
});
