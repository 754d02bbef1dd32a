import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charGrams, gramCosine, gramCosineWith } from '../src/judge/embedded/char-grams.js';
import { isTermList, stripNonAnswer } from '../src/judge/embedded/text-shape.js';
import { listSeparators, sentencePieces, sentences, tokenize } from '../src/text/tokens.js';
import { codePointLength } from '../src/text/untrusted-input.js';

// The judge's hand-written scans against the plain string and regex forms they replace: same tokens,
// same n-gram cosine, same non-answer verdict, on texts built from the characters that matter to them.
const tricky = fc.constantFrom(...'aZb9q\'\u2018\u2019 -.,;+=|\u2022\n\u0130\u212AkK\u00e9\u03a3xy'.split(''));
const texts = fc.oneof(fc.array(tricky, { maxLength: 40 }).map((a) => a.join('')), fc.string({ unit: 'grapheme', maxLength: 60 }));

function plainGrams(text: string): Map<number, number> {
  const t = ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
  const code = (c: number) => (c >= 97 && c <= 122 ? c - 96 : c >= 48 && c <= 57 ? c - 21 : 0);
  const counts = new Map<number, number>();
  for (let i = 0; i + 3 <= t.length; i++) {
    let g = 0;
    for (let n = 0; n < 5 && i + n < t.length; n++) {
      g = g * 38 + code(t.charCodeAt(i + n)) + 1;
      if (n >= 2) counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

function plainCosine(a: string, b: string): number {
  const x = plainGrams(a);
  const y = plainGrams(b);
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (const [g, c] of x) {
    nx += c * c;
    dot += c * (y.get(g) ?? 0);
  }
  for (const c of y.values()) ny += c * c;
  return nx === 0 || ny === 0 ? 0 : dot / (Math.sqrt(nx) * Math.sqrt(ny));
}

describe('hand-written scans of the embedded judge', () => {
  it('tokenize gives the tokens of the regex it replaces', () => {
    const regex = (t: string) => t.toLowerCase().replace(/[\u2018\u2019]/g, "'").match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
    fc.assert(
      fc.property(texts, (t) => {
        expect(tokenize(t)).toEqual(regex(t));
      }),
      { numRuns: 3000 },
    );
    expect(tokenize("Don\u2019t re-train the model's CI/CD \u0130")).toEqual(["don't", 're', 'train', 'the', "model's", 'ci', 'cd', 'i']);
  });

  it('the n-gram cosine equals the one computed on the normalised string, with a limit as a slice', () => {
    fc.assert(
      fc.property(texts, texts, fc.integer({ min: 0, max: 70 }), (a, b, limit) => {
        const ref = charGrams(b);
        expect(gramCosineWith(a, ref, limit)).toBe(plainCosine(a.slice(0, limit), b));
        expect(gramCosine(charGrams(a), ref)).toBeCloseTo(plainCosine(a, b), 12);
      }),
      { numRuns: 2000 },
    );
  });

  it('isTermList reads the items of the split-and-tokenize form it replaces', () => {
    const split = (text: string) => {
      const parts = text
        .split(/[,;+=|\u2022\n]+/)
        .map((p) => tokenize(p))
        .filter((t) => t.some((w) => /[a-z]/.test(w)))
        .map((t) => t.length);
      if (parts.length < 5) return false;
      const total = parts.reduce((a, b) => a + b, 0);
      return parts.filter((n) => n <= 3).reduce((a, b) => a + b, 0) / total >= 0.6;
    };
    const lists = fc.array(fc.array(tricky, { maxLength: 12 }).map((a) => a.join('')), { minLength: 4, maxLength: 9 }).map((items) => items.join(', '));
    fc.assert(
      fc.property(fc.oneof(texts, lists), (t) => {
        expect(isTermList(t)).toBe(split(t));
      }),
      { numRuns: 3000 },
    );
    expect(isTermList('PSI, KS test, chi-square, Wasserstein, drift')).toBe(true);
  });

  it('stripNonAnswer finds the phrases whatever the case, and leaves other texts as they are', () => {
    expect(stripNonAnswer('I DON\'T KNOW, sorry').found).toBe(true);
    expect(stripNonAnswer('N/A').found).toBe(true);
    expect(stripNonAnswer('I haven\'t used SageMaker').found).toBe(true);
    expect(stripNonAnswer('Drift is a change in the input distribution.')).toEqual({ rest: 'Drift is a change in the input distribution.', found: false });
  });

  it('sentencePieces cuts a text where the sentence-break regex splits it; each sentence counts its separators', () => {
    const breaks = /(?<=[.!?])\s+|\s*\n+\s*|\s+(?=\(\d+\)\s)/;
    const around = fc.constantFrom(...'ab9.!?  \n\n\t\r\u00a0\u2028\u3000\ufeff\u200b()12-*\u2022'.split(''));
    const spaced = fc.array(around, { maxLength: 50 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(spaced, texts), (t) => {
        expect(sentencePieces(t)).toEqual(t.split(breaks));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.oneof(spaced, texts), (t) => {
        for (const s of sentences(t)) expect(s.separators).toBe(listSeparators(s.text, Infinity));
      }),
      { numRuns: 2000 },
    );
    expect(sentences('- Drift is a shift.  (1) Retrain\nwhen PSI rises! Done').map((s) => s.text)).toEqual(['Drift is a shift.', '(1) Retrain', 'when PSI rises!', 'Done']);
  });

  it('codePointLength counts code points as the string iterator does, a lone surrogate as one', () => {
    const units = fc.constantFrom('a', '\u00e9', '\ud83d', '\ude00', '\ud83d\ude00', '\u212a', ' ');
    fc.assert(
      fc.property(fc.oneof(fc.array(units, { maxLength: 30 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 40 })), (t) => {
        expect(codePointLength(t)).toBe([...t].length);
      }),
      { numRuns: 3000 },
    );
  });
});
