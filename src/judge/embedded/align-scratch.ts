/**
 * Reusable buffers for one alignment at a time: an array of a few hundred numbers lives outside the heap,
 * and allocating three per alignment cost more than filling them.
 */
export interface AlignScratch {
  /** A zeroed view of `n` numbers of the named buffer. */
  take(name: 'target' | 'answer' | 'weights', n: number): Float64Array;
}

export function alignScratch(): AlignScratch {
  const buffers = { target: new Float64Array(256), answer: new Float64Array(256), weights: new Float64Array(256) };
  return {
    take(name, n) {
      if (buffers[name].length < n) buffers[name] = new Float64Array(Math.max(n, 2 * buffers[name].length));
      const b = buffers[name];
      b.fill(0, 0, n);
      return b.subarray(0, n);
    },
  };
}
