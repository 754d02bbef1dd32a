/** The few numeric helpers shared by the server and the eval harness, so every figure is averaged and rounded one way. */

/** The arithmetic mean of `xs`, or null when there are none (no mean, rather than 0 or NaN). */
export function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** The median of `xs` (the mean of the middle two for an even count), or null when there are none. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** `x` to `places` decimals, halves rounded up (`Math.round`): `round(2.345, 2)` is 2.35, `round(-0.5, 0)` is -0. */
export function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

/** `round`, with null passed through. */
export function roundOrNull(x: number | null, places: number): number | null {
  return x === null ? null : round(x, places);
}
