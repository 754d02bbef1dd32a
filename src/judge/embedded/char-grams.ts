/** Counts of the character 3- to 5-grams of a text, lower-cased with runs of non-word characters as one space. */
export interface Grams {
  counts: Map<string, number>;
  norm: number;
}

export function charGrams(text: string): Grams {
  const t = ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
  const counts = new Map<string, number>();
  for (let n = 3; n <= 5; n++) {
    for (let i = 0; i + n <= t.length; i++) {
      const g = t.slice(i, i + n);
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  let sq = 0;
  for (const c of counts.values()) sq += c * c;
  return { counts, norm: Math.sqrt(sq) };
}

/** Cosine of two gram count vectors (0 when either is empty). */
export function gramCosine(a: Grams, b: Grams): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.counts.size <= b.counts.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [g, c] of small.counts) dot += c * (large.counts.get(g) ?? 0);
  return dot / (a.norm * b.norm);
}
