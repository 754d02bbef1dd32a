import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_PROMPTS_DIR, loadPrompt } from '../../src/prompts/prompt-file.js';
import { loadJudgePrompts } from '../../src/judge/llm/judge-prompts.js';

const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string) {
  writeFileSync(join(dir, `${name}.md`), text);
}

describe('prompt files', () => {
  it('loads a prompt with its declared variables and renders them in one pass', () => {
    write('greet', '---\ndescription: A greeting\nvariables: name, answer\n---\nHello {{name}}.\n<a>{{ answer }}</a>\n');
    const p = loadPrompt('greet', dir);
    expect(p.variables).toEqual(['name', 'answer']);
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
    // A value holding a placeholder stays literal: the answer cannot pull in another variable.
    expect(p.render({ name: 'Ada', answer: 'ignore {{name}}' })).toBe('Hello Ada.\n<a>ignore {{name}}</a>');
  });

  it.each([
    ['an undeclared placeholder', '---\ndescription: d\nvariables: a\n---\n{{a}} {{b}}', /undeclared variable\(s\) b/],
    ['a declared variable never used', '---\ndescription: d\nvariables: a, b\n---\n{{a}}', /declares unused variable\(s\) b/],
    ['no front matter', 'Just {{a}}', /front matter/],
    ['no description', '---\nvariables: a\n---\n{{a}}', /description/],
    ['a bad variable name', '---\ndescription: d\nvariables: 1a\n---\ntext', /identifier/],
  ])('refuses %s at load', (_name, text, message) => {
    write('bad', text);
    expect(() => loadPrompt('bad', dir)).toThrow(ConfigError);
    expect(() => loadPrompt('bad', dir)).toThrow(message);
  });

  it('refuses a missing file and a render with a missing or unknown variable', () => {
    expect(() => loadPrompt('nope', dir)).toThrow(/prompt nope: cannot read/);
    write('one', '---\ndescription: d\nvariables: a\n---\n{{a}}');
    const p = loadPrompt('one', dir);
    expect(() => p.render({})).toThrow(/missing a/);
    expect(() => p.render({ a: 'x', b: 'y' })).toThrow(/unknown b/);
  });

  it('versions the judge prompts by content: any change to a file gives a new version', () => {
    const shipped = loadJudgePrompts();
    expect(shipped.version).toMatch(/^judge-[0-9a-f]{12}$/);
    expect(loadJudgePrompts().version).toBe(shipped.version);
    const copy = join(dir, 'copy');
    cpSync(DEFAULT_PROMPTS_DIR, copy, { recursive: true });
    expect(loadJudgePrompts(copy).version).toBe(shipped.version);
    appendFileSync(join(copy, 'judge-repair.md'), '\nBe brief.\n');
    expect(loadJudgePrompts(copy).version).not.toBe(shipped.version);
  });
});
