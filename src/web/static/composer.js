// @ts-check
// The answer box: the character counter, pastes kept within the limit (saying how much was cut), and the
// keyboard shortcut.
import { byId } from './dom.js';
import { clipVisible, pasteWithin, visibleLength } from './text-limit.js';

/**
 * @param {{ max: number, onSend: () => void, onEscape: () => void }} options
 */
export function composer({ max, onSend, onEscape }) {
  const answer = byId('answer', HTMLTextAreaElement);
  const count = byId('answer-count', HTMLElement);
  const note = byId('paste-note', HTMLElement);
  const fmt = (/** @type {number} */ n) => n.toLocaleString('en');

  const update = () => {
    const n = visibleLength(answer.value);
    count.textContent = `${fmt(n)} / ${fmt(max)}${n >= max ? ' (limit reached)' : ''}`;
    count.classList.toggle('near', n >= max * 0.9);
  };

  answer.addEventListener('paste', (e) => {
    const pasted = e.clipboardData?.getData('text/plain') ?? '';
    const start = answer.selectionStart ?? answer.value.length;
    const end = answer.selectionEnd ?? start;
    const after = visibleLength(answer.value.slice(0, start) + answer.value.slice(end)) + visibleLength(pasted);
    if (after <= max) {
      note.textContent = '';
      return;
    }
    e.preventDefault();
    const cut = pasteWithin(answer, pasted, max);
    note.textContent = `The answer is limited to ${fmt(max)} characters: the last ${fmt(cut)} character${cut === 1 ? '' : 's'} of what you pasted ${cut === 1 ? 'was' : 'were'} left out.`;
  });
  answer.addEventListener('input', () => {
    // Typing or dropping past the limit: keep the first `max` characters and say so.
    const n = visibleLength(answer.value);
    if (n > max) {
      const { kept, cut } = clipVisible(answer.value, max);
      answer.value = kept;
      note.textContent = `The answer is limited to ${fmt(max)} characters: ${fmt(cut)} at the end ${cut === 1 ? 'was' : 'were'} cut.`;
    }
    update();
  });
  answer.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSend();
    } else if (e.key === 'Escape') {
      onEscape();
    }
  });
  update();
  return {
    /** Empty the box (after an answer was sent). */
    clear() {
      answer.value = '';
      note.textContent = '';
      update();
    },
    update,
  };
}
