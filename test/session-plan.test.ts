import { describe, expect, it } from 'vitest';
import { areaLabel } from '../src/bank/area-label.js';
import { pickQuestions, seededRandom, stepsOf } from '../src/sessions/plan.js';
import { asksTheSame, SAME_QUESTION_THRESHOLD, similarity } from '../src/sessions/text-similarity.js';
import { bank } from './helpers/app.js';

describe('pickQuestions', () => {
  it('never repeats a question, is reproducible for a seed and varies across seeds', () => {
    const ids = (seed: number) => pickQuestions(bank, { count: 17 }, seededRandom(seed)).map((q) => q.id);
    // Of the 17 questions, the two that ask what another question's follow-up asks are left out.
    expect(ids(1).length).toBeGreaterThanOrEqual(15);
    expect(new Set(ids(1)).size).toBe(ids(1).length);
    expect(ids(1)).toEqual(ids(1));
    expect(ids(1)).not.toEqual(ids(2));
  });

  it('never asks a question and a follow-up that ask the same thing (documented threshold)', () => {
    expect(similarity('What is concept drift?', 'What is concept drift and how do you handle it?')).toBeGreaterThanOrEqual(SAME_QUESTION_THRESHOLD);
    expect(similarity('What is data drift?', 'What is concept drift?')).toBeLessThan(SAME_QUESTION_THRESHOLD);
    for (let seed = 1; seed <= 30; seed++) {
      const picked = pickQuestions(bank, { count: 17 }, seededRandom(seed));
      const texts = picked.flatMap((q) => [q.title, q.followUp.question]);
      expect(texts).not.toEqual(expect.arrayContaining(['What is concept drift?', 'What is concept drift and how do you handle it?']));
      for (const q of picked) for (const p of picked) if (p !== q) expect(asksTheSame(q.title, p.followUp.question), `${q.title} / ${p.followUp.question}`).toBe(false);
    }
  });

  it('defaults to 3 questions and caps the count at what matches', () => {
    expect(pickQuestions(bank, {}, seededRandom(1))).toHaveLength(3);
    const exp = pickQuestions(bank, { topic: 'experimentation', count: 10 }, seededRandom(1));
    expect(exp.map((q) => q.area)).toEqual(['experimentation', 'experimentation']);
  });

  it('matches a topic against a question topic or an area', () => {
    expect(pickQuestions(bank, { topic: 'model-registry' }, seededRandom(1)).map((q) => q.id)).toEqual(['model-registry']);
    expect(pickQuestions(bank, { topic: 'llm-evaluation', count: 20 }, seededRandom(1))).toHaveLength(4);
  });

  it('orders each main question before its follow-up', () => {
    expect(stepsOf(['a', 'b'])).toEqual(['a', 'a.follow-up', 'b', 'b.follow-up']);
  });
});

describe('areaLabel', () => {
  it('reads kebab-case ids as labels with the usual capitals', () => {
    expect(areaLabel('llm-evaluation')).toBe('LLM evaluation');
    expect(areaLabel('drift-and-monitoring')).toBe('Drift and monitoring');
    expect(areaLabel('mlops')).toBe('MLOps');
  });
});
