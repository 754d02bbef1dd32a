import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { levelByRule, tieRuleOf } from '../../scripts/fake-judge/fake-judge.js';
import { ConfigError } from '../../src/errors.js';
import { JUDGE_PROMPT_FILES, loadJudgePrompts } from '../../src/judge/llm/judge-prompts.js';
import { loadJudgePromptVersion, promptVersionNames } from '../../src/judge/llm/prompt-versions.js';
import { DEFAULT_PROMPTS_DIR } from '../../src/prompts/prompt-file.js';

const root = mkdtempSync(join(tmpdir(), 'prompt-versions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
cpSync(DEFAULT_PROMPTS_DIR, root, { recursive: true });

describe('prompt versions', () => {
  it('keeps the default prompt and its version as they were', () => {
    const d = loadJudgePromptVersion('default');
    expect(d.name).toBe('default');
    expect(d.version).toBe(loadJudgePrompts().version);
  });

  it('lists the shipped versions and loads a candidate that overrides only the files it holds', () => {
    expect(promptVersionNames()).toEqual(['default', 'strict-levels']);
    const d = loadJudgePromptVersion('default');
    const c = loadJudgePromptVersion('strict-levels');
    expect(c.name).toBe('strict-levels');
    expect(c.version).toMatch(/^judge-[0-9a-f]{12}$/);
    expect(c.version).not.toBe(d.version);
    expect(c.system.source).not.toBe(d.system.source);
    expect(c.system.render({})).toContain('choose the lower level');
    for (const f of ['user', 'reference', 'answer', 'repair', 'followUpSystem', 'followUpUser'] as const) expect(c[f].source).toBe(d[f].source);
  });

  it('versions a candidate by content: an identical copy shares the default version, any change makes a new one', () => {
    const same = join(root, 'judge', 'same');
    mkdirSync(same, { recursive: true });
    cpSync(join(DEFAULT_PROMPTS_DIR, 'judge-repair.md'), join(same, 'judge-repair.md'));
    expect(loadJudgePromptVersion('same', root).version).toBe(loadJudgePrompts().version);
    const other = join(root, 'judge', 'other');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'judge-repair.md'), '---\ndescription: Repair, briefer\nvariables: problem\n---\nFix this: {{problem}}\n');
    expect(loadJudgePromptVersion('other', root).version).not.toBe(loadJudgePrompts().version);
    expect(loadJudgePromptVersion('other', root).repair.render({ problem: 'x' })).toBe('Fix this: x');
  });

  it('refuses an unknown name, naming the known ones, and a file that is not a judge prompt', () => {
    expect(() => loadJudgePromptVersion('nope')).toThrow(ConfigError);
    expect(() => loadJudgePromptVersion('nope')).toThrow(/known versions: default, strict-levels/);
    expect(() => loadJudgePromptVersion('../prompts')).toThrow(ConfigError);
    const typo = join(root, 'judge', 'typo');
    mkdirSync(typo, { recursive: true });
    writeFileSync(join(typo, 'judge-sytem.md'), '---\ndescription: d\nvariables:\n---\nx\n');
    expect(() => loadJudgePromptVersion('typo', root)).toThrow(/judge-sytem\.md is not a judge prompt file/);
    // A candidate file is checked like any prompt file.
    const bad = join(root, 'judge', 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'judge-system.md'), '---\ndescription: d\nvariables:\n---\n{{oops}}\n');
    expect(() => loadJudgePromptVersion('bad', root)).toThrow(/undeclared variable\(s\) oops/);
    expect(JUDGE_PROMPT_FILES).toHaveLength(7);
  });
});

describe('the fake judge follows the tie rule its prompt states', () => {
  it('reads the rule from the system message', () => {
    expect(tieRuleOf([{ role: 'system', content: loadJudgePromptVersion('strict-levels').system.render({}) }])).toBe('lower');
    expect(tieRuleOf([{ role: 'system', content: loadJudgePromptVersion('default').system.render({}) }])).toBe('nearest');
    expect(tieRuleOf([{ role: 'system', content: 'When in doubt, choose the higher level.' }])).toBe('higher');
  });

  it('picks a level by the rule only between two levels', () => {
    expect([2.1, 2.3, 2.5, 2.7, 2.8].map((x) => levelByRule(x, 'nearest'))).toEqual([2, 2, 3, 3, 3]);
    expect([2.1, 2.3, 2.5, 2.7, 2.8].map((x) => levelByRule(x, 'lower'))).toEqual([2, 2, 2, 2, 3]);
    expect([2.1, 2.3, 2.5, 2.7, 2.8].map((x) => levelByRule(x, 'higher'))).toEqual([2, 3, 3, 3, 3]);
    expect(levelByRule(0.4, 'lower')).toBe(1);
    expect(levelByRule(5.4, 'higher')).toBe(5);
  });
});
