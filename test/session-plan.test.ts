import { describe, expect, it } from 'vitest';
import { areaLabel } from '../src/bank/area-label.js';
import { pickQuestions, seededRandom, stepsOf } from '../src/sessions/plan.js';
import { bank } from './helpers/app.js';

describe('pickQuestions', () => {
  it('never repeats a question, is reproducible for a seed and varies across seeds', () => {
    const ids = (seed: number) => pickQuestions(bank, { count: 17 }, seededRandom(seed)).map((q) => q.id);
    expect(new Set(ids(1)).size).toBe(17);
    expect(ids(1)).toEqual(ids(1));
    expect(ids(1)).not.toEqual(ids(2));
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
