import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBankIndex } from '../src/bank/bank-index.js';
import { DEFAULT_BANK_PATH, loadBank } from '../src/bank/load-bank.js';
import { ConfigError } from '../src/errors.js';
import { parseSeed, SEED_PATH } from './helpers/seed.js';

const seed = parseSeed();
const bank = loadBank();

describe('question bank', () => {
  it('has the 17 seed questions in seed order, ids from the seed Topic', () => {
    expect(seed).toHaveLength(17);
    expect(bank.questions.map((q) => q.id)).toEqual(seed.map((s) => s.topic));
  });

  it.each(seed.map((s, i) => [s.topic, i] as const))('%s keeps every seed field as written', (_topic, i) => {
    const s = seed[i]!;
    const q = bank.questions[i]!;
    expect(q.title).toBe(s.title);
    expect(q.difficulty).toBe(s.difficulty);
    expect(q.type).toBe(s.type);
    expect(q.topic).toBe(s.topic);
    expect(q.frequency).toBe(s.frequency);
    expect(q.tags).toEqual(s.tags);
    expect(q.seedAnswer).toBe(s.answer);
    expect(q.explanation).toBe(s.explanation);
    expect(q.followUp.question).toBe(s.followUp);
    expect(q.followUp.questionSource).toBe('seed');
  });

  it('completes the truncated seed answer from its explanation', () => {
    const q = bank.questions.find((x) => x.id === 'metrics-do-you-use-to-evaluate-extraction-accuracy-in-inte')!;
    expect(q.seedAnswer.endsWith('failed to extrac')).toBe(true);
    expect(q.referenceAnswer).toContain('null rate (fields model failed to extract)');
    expect(q.referenceSource).toBe('seed-answer+explanation');
  });

  it('every reference answer starts from the seed answer or contains it', () => {
    for (const q of bank.questions) {
      const head = q.seedAnswer.slice(0, 40);
      expect(q.referenceAnswer.includes(head), q.id).toBe(true);
    }
  });

  it('has an authored rubric of 3 to 6 weighted key points for every question and follow-up', () => {
    for (const q of bank.questions) {
      for (const rubric of [q.rubric, q.followUp.rubric]) {
        expect(rubric.source).toBe('authored');
        expect(rubric.keyPoints.length).toBeGreaterThanOrEqual(3);
        expect(rubric.keyPoints.length).toBeLessThanOrEqual(6);
        expect(new Set(rubric.keyPoints.map((k) => k.id)).size).toBe(rubric.keyPoints.length);
        expect(rubric.commonMistakes.length).toBeGreaterThan(0);
      }
      expect(q.followUp.referenceSource).toBe('authored');
      expect(q.followUp.referenceAnswer.length).toBeGreaterThan(40);
    }
  });

  it('groups questions into areas of at least two', () => {
    for (const a of createBankIndex(bank).areas()) expect(a.count, a.id).toBeGreaterThanOrEqual(2);
  });

  it('resolves main questions and follow-ups by id', () => {
    const index = createBankIndex(bank);
    expect(index.gradable('data-drift')?.followUp).toBe('What is concept drift?');
    const f = index.gradable('data-drift.follow-up');
    expect(f?.kind).toBe('follow-up');
    expect(f?.question).toBe('What is concept drift?');
    expect(f?.followUp).toBeNull();
    expect(index.gradable('nope')).toBeUndefined();
    expect(index.gradable('nope.follow-up')).toBeUndefined();
  });

  it('the committed seed copy is the shared seed, where the shared folder is present', () => {
    const shared = fileURLToPath(new URL('../../shared/seed/000_e66a1cb04280478c.txt', import.meta.url));
    if (existsSync(shared)) expect(readFileSync(SEED_PATH, 'utf8')).toBe(readFileSync(shared, 'utf8'));
    else expect(readFileSync(SEED_PATH, 'utf8')).toContain('17 questions');
  });

  it('refuses a bank that does not match the schema, naming the field', () => {
    const bad = fileURLToPath(new URL('./fixtures/bad-bank.json', import.meta.url));
    expect(() => loadBank(bad)).toThrow(ConfigError);
    expect(() => loadBank(bad)).toThrow(/questions\.0\.difficulty/);
    expect(() => loadBank('/nonexistent/bank.json')).toThrow(ConfigError);
    expect(DEFAULT_BANK_PATH).toMatch(/data\/questions\.json$/);
  });
});
