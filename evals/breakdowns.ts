import type { ItemResult } from './item-results.js';
import { mean } from '../src/numbers.js';
import { levelValue } from './metrics.js';

/** Summary of the items that share a tag or a question. */
export interface Breakdown {
  key: string;
  /** Scored items. */
  n: number;
  unscored: number;
  meanHuman: number | null;
  meanRaw: number | null;
  meanCalibrated: number | null;
  maxRaw: number | null;
  /** Mean absolute error of the raw and calibrated scores. */
  mae: number | null;
  maeCalibrated: number | null;
  /** Share of items whose raw level equals the human level. */
  exact: number | null;
}

/** Group items by the keys `keysOf` gives (an item may have several, e.g. tags), sorted by key. */
export function breakdown(items: readonly ItemResult[], keysOf: (i: ItemResult) => string[]): Breakdown[] {
  const groups = new Map<string, ItemResult[]>();
  for (const i of items) for (const k of keysOf(i)) groups.set(k, [...(groups.get(k) ?? []), i]);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, all]) => {
      const s = all.filter((i) => i.unscored === null && i.raw !== null);
      const raw = s.map((i) => i.raw ?? 0);
      const cal = s.map((i) => i.calibrated ?? 0);
      return {
        key,
        n: s.length,
        unscored: all.length - s.length,
        meanHuman: mean(s.map((i) => i.human)),
        meanRaw: mean(raw),
        meanCalibrated: mean(cal),
        maxRaw: raw.length ? Math.max(...raw) : null,
        mae: mean(s.map((i) => Math.abs((i.raw ?? 0) - i.human))),
        maeCalibrated: mean(s.map((i) => Math.abs((i.calibrated ?? 0) - i.human))),
        exact: mean(s.map((i) => (levelValue(i.raw ?? 0) === levelValue(i.human) ? 1 : 0))),
      };
    });
}
