// @ts-check
// Waiting for a grade: the seconds elapsed and a way to stop waiting.
import { el } from './dom.js';

/**
 * While a grade is awaited: the seconds elapsed, shown in `host` (not in the live status region, which would
 * be read out every second), and a "Stop waiting" button. Stopping only stops this page from waiting: the
 * answer is already stored, and the server finishes (or fails) its grade, which a reload or a regrade shows.
 * @param {HTMLElement} host @param {() => void} onStop
 */
export function startWaiting(host, onStop) {
  const started = Date.now();
  const elapsed = el('span', { class: 'elapsed', text: ' 0 s' });
  const button = el('button', { type: 'button', class: 'secondary stop-waiting', text: 'Stop waiting' });
  const waitBox = el('p', { class: 'waiting' }, elapsed, ' ', button);
  host.append(waitBox);
  const timer = setInterval(() => {
    elapsed.textContent = ` ${Math.round((Date.now() - started) / 1000)} s`;
  }, 1000);
  const stop = () => {
    clearInterval(timer);
    waitBox.remove();
  };
  button.addEventListener('click', () => {
    stop();
    onStop();
  });
  return { stop };
}
