import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stemmer } from 'stemmer';

/**
 * WordNet 3.1's data files reduced to what the lexicon reads, in flat integer arrays: each synset's
 * one-word lemmas as stem ids, its similar-to/also-see and hypernym/hyponym synsets, and its lexical
 * derivation pointers. Flat arrays load in milliseconds from a file (see wordnet-file.ts) and take a few
 * megabytes, where one object per synset took over 100 MB and a second to build.
 */
export interface CompactWordNet {
  /** Porter stems of the one-word lemmas, in order of first appearance; a stem's id is its index. */
  stems: string[];
  /** Synset i's lemmas are words[wordStart[i] .. wordStart[i + 1]) as stem ids (-1: not one word). */
  wordStart: Int32Array;
  words: Int32Array;
  /** Synset indices of its similar-to and also-see pointers, likewise. */
  closeStart: Int32Array;
  close: Int32Array;
  /** Synset indices of its hypernyms and hyponyms (instance ones too), likewise. */
  hierStart: Int32Array;
  hier: Int32Array;
  /** Lexical derivation pointers as triples (source word number, target synset, target word number). */
  derivStart: Int32Array;
  deriv: Int32Array;
}

export const WORDNET_FILES = ['data.noun', 'data.verb', 'data.adj', 'data.adv'] as const;
const POS_FILE: Record<string, number> = { n: 0, v: 1, a: 2, s: 2, r: 3 };

/** A growable list of integers. */
class Ints {
  private a = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  done(): Int32Array {
    return this.a.slice(0, this.length);
  }
}

/** Read the four data files of a WordNet dictionary directory. */
export function compileWordNet(dir: string): CompactWordNet {
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
  const lines: string[] = [];
  WORDNET_FILES.forEach((name, file) => {
    const text = readFileSync(join(dir, name), 'latin1');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (text.charCodeAt(start) !== 32) {
        const line = text.slice(start, end);
        index.set(key(file, Number(line.slice(0, 8))), lines.length);
        lines.push(line);
      }
      start = end + 1;
    }
  });

  const words = new Ints();
  const close = new Ints();
  const hier = new Ints();
  const deriv = new Ints();
  const n = lines.length;
  const wordStart = new Int32Array(n + 1);
  const closeStart = new Int32Array(n + 1);
  const hierStart = new Int32Array(n + 1);
  const derivStart = new Int32Array(n + 1);
  lines.forEach((line, i) => {
    wordStart[i] = words.length;
    closeStart[i] = close.length;
    hierStart[i] = hier.length;
    derivStart[i] = deriv.length;
    const bar = line.indexOf(' | ');
    const head = line.slice(0, bar >= 0 ? bar : line.length).split(' ');
    const wCnt = Number.parseInt(head[3] ?? '0', 16);
    let p = 4;
    for (let w = 0; w < wCnt; w++) {
      const lemma = (head[p] ?? '').toLowerCase().replace(/\(.*\)$/, '');
      // The Porter stemmer of `stem()`, not through its memo, which is kept for the words of answers.
      words.push(/^[a-z]+$/.test(lemma) ? idOf(stemmer(lemma)) : -1);
      p += 2;
    }
    const pCnt = Number(head[p++]);
    for (let k = 0; k < pCnt; k++) {
      const sym = head[p] ?? '';
      const target = index.get(key(POS_FILE[head[p + 2] ?? 'n'] ?? 0, Number(head[p + 1])));
      const st = head[p + 3] ?? '0000';
      p += 4;
      if (target === undefined) continue;
      if (sym === '&' || sym === '^') close.push(target);
      else if (sym === '@' || sym === '@i' || sym === '~' || sym === '~i') hier.push(target);
      else if (sym === '+') {
        deriv.push(Number.parseInt(st.slice(0, 2), 16));
        deriv.push(target);
        deriv.push(Number.parseInt(st.slice(2), 16));
      }
    }
  });
  wordStart[n] = words.length;
  closeStart[n] = close.length;
  hierStart[n] = hier.length;
  derivStart[n] = deriv.length;
  return { stems, wordStart, words: words.done(), closeStart, close: close.done(), hierStart, hier: hier.done(), derivStart, deriv: deriv.done() };
}
