// @ts-check
// The mock interview's countdown. It runs from the time the server says the question was asked, so a
// reload does not give the candidate the time back, and on a clock passed in, so tests can drive it.

/**
 * @typedef {object} Clock
 * @property {() => number} now milliseconds since the epoch
 * @property {(ms: number, fn: () => void) => () => void} every run `fn` every `ms`; returns a stop function
 */

/** The browser's clock (which a test's fake clock, e.g. Playwright's `page.clock`, replaces). @type {Clock} */
export const systemClock = {
  now: () => Date.now(),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};

/** "3:07" for 187 s; never negative. @param {number} ms */
export function fmtClock(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Show the time left in `node` until `askedAt + limitSeconds`, then call `onExpire` once.
 * @param {HTMLElement} node
 * @param {{ askedAt: string, limitSeconds: number, clock?: Clock, onExpire: () => void }} options
 * @returns {{ stop(): void, remainingMs(): number }}
 */
export function startCountdown(node, { askedAt, limitSeconds, clock = systemClock, onExpire }) {
  const deadline = Date.parse(askedAt) + limitSeconds * 1000;
  const remainingMs = () => deadline - clock.now();
  let expired = false;
  const tick = () => {
    const left = remainingMs();
    node.hidden = false;
    node.classList.toggle('low', left <= 30_000);
    node.classList.toggle('over', left <= 0);
    node.textContent = left > 0 ? `Time left: ${fmtClock(left)}` : 'Time is up';
    node.dataset.remainingSeconds = String(Math.max(0, Math.ceil(left / 1000)));
    if (left <= 0 && !expired) {
      expired = true;
      stopTimer();
      onExpire();
    }
  };
  // Four ticks a second: the shown second changes on time even when a tick comes late.
  const stopTimer = clock.every(250, tick);
  tick();
  return {
    stop() {
      stopTimer();
    },
    remainingMs,
  };
}
