import { round } from '../numbers.js';
import type { LevelLabel } from './grade-schema.js';

const LABELS: Record<1 | 2 | 3 | 4 | 5, LevelLabel> = {
  1: 'insufficient',
  2: 'weak',
  3: 'adequate',
  4: 'strong',
  5: 'excellent',
};

/** The 1..5 level a score reads as: rounded half up, so a swapped mean of 3.5 reads as 4. */
export function levelOf(score: number): { value: 1 | 2 | 3 | 4 | 5; label: LevelLabel } {
  const value = Math.min(5, Math.max(1, Math.floor(score + 0.5))) as 1 | 2 | 3 | 4 | 5;
  return { value, label: LABELS[value] };
}

/** Scores are shown to one decimal; more would claim a precision no judge has. */
export function roundScore(score: number): number {
  return round(Math.min(5, Math.max(1, score)), 1);
}
