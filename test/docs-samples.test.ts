import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAMPLES, withSample } from '../scripts/docs-samples.js';
import { PROMPT_NAME_PATTERN } from '../src/judge/llm/prompt-versions.js';
import { loadJudgePromptVersion } from '../src/judge/llm/prompt-versions.js';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const pages = ['README.md', ...readdirSync(new URL('../docs/', import.meta.url)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

// Quoted by samples recorded before a prompt change, which the page says no longer exist.
const RETIRED = ['judge-0661bac5e711', 'judge-b261697fd296'];

describe('the samples the docs quote', () => {
  // The whole eval run (`compare`) is checked by `npm run docs:samples -- --check`, not on every test run.
  for (const [name, sample] of Object.entries(SAMPLES).filter(([, s]) => !s.heavy)) {
    it(`${name} in ${sample.file} is what the code makes now`, async () => {
      const page = read(sample.file);
      expect(withSample(page, name, await sample.generate())).toBe(page);
    });
  }

  it('quote only prompt versions that exist, or say that they no longer do', () => {
    const names = ['default', ...readdirSync(new URL('../prompts/judge/', import.meta.url)).filter((n) => PROMPT_NAME_PATTERN.test(n))];
    const current = new Set(names.map((n) => loadJudgePromptVersion(n).version));
    for (const file of pages) {
      const text = read(file);
      for (const v of new Set(text.match(/judge-[0-9a-f]{12}/g) ?? [])) {
        if (current.has(v)) continue;
        expect(RETIRED, `${file} quotes ${v}`).toContain(v);
        expect(text).toMatch(new RegExp(`${v}\`[^.]*no longer exist|no longer exist[^.]*${v}`));
      }
    }
    for (const v of RETIRED) expect(current.has(v)).toBe(false);
  });
});
