import { simulatePositionBias } from './fake-judge/position-bias.js';

/**
 * `npx tsx scripts/position-bias-sim.ts`: how much of a simulated position bias the swap removes, over
 * answers to every question of the bank. Prints one line per bias model.
 */
for (const [label, options] of [
  ['+1 to whichever answer is read first (relative)', { positionBias: 1 }],
  ['+1 to the candidate only when it is read first', { positionBias: 1, biasMode: 'candidate-only' as const }],
] as const) {
  const { samples, summary } = await simulatePositionBias(options);
  const inner = samples.filter((s) => s.fair >= 2 && s.fair <= 4);
  const innerExact = inner.filter((s) => s.swapped === s.fair).length;
  console.log(`${label}: ${summary.samples} answers`);
  console.log(
    `  mean |error| vs the fair score: reference-first only ${summary.maeReferenceFirst}, reference-last only ${summary.maeReferenceLast}, swapped mean ${summary.maeSwapped}`,
  );
  console.log(
    `  swapped mean equals the fair score in ${summary.exact}/${summary.samples} (${innerExact}/${inner.length} with a fair score of 2..4); marked inconsistent: ${summary.inconsistent}`,
  );
}
