import type { Usage } from '../src/grading/grade-schema.js';

/** USD per million tokens, input and output. */
export interface Price {
  input: number;
  output: number;
}

/**
 * List prices of common judge models (USD per million tokens, as published by their provider at the time
 * of writing). A model not listed has no cost estimate unless `--price IN:OUT` gives one.
 */
const PRICES: Record<string, Price> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
};

export function priceOf(model: string, override?: Price | null): Price | null {
  return override ?? PRICES[model] ?? null;
}

/** Parse `--price IN:OUT` in USD per million tokens. */
export function parsePrice(text: string): Price {
  const [a, b, ...rest] = text.split(':');
  const input = Number(a);
  const output = Number(b);
  if (rest.length || !a || !b || !(input >= 0) || !(output >= 0)) {
    throw new RangeError(`--price must be IN:OUT in USD per million tokens, e.g. 0.15:0.6 (got "${text}")`);
  }
  return { input, output };
}

export function costOf(usage: Usage, price: Price | null): number | null {
  if (!price) return null;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1e6;
}
