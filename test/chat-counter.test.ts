import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codePointLength, INVISIBLE_CHARS_SOURCE, stripInvisible } from '../src/text/untrusted-input.js';

const chat = readFileSync(new URL('../src/web/static/chat.js', import.meta.url), 'utf8');

describe("the page's character counter", () => {
  it('removes the same characters as the server', () => {
    const literal = /const INVISIBLE = \/(.+)\/gu;/.exec(chat)?.[1];
    expect(literal).toBe(INVISIBLE_CHARS_SOURCE);
  });

  it('counts what the server counts, code points without invisible characters', () => {
    // The counter function itself, run here on the same samples as the server's rules.
    const source = /function visibleLength\(text\) \{[\s\S]+?\n\}/.exec(chat)?.[0];
    const literal = /const INVISIBLE = (\/.+\/gu);/.exec(chat)?.[1];
    expect(source && literal).toBeTruthy();
    const visibleLength = new Function(`const INVISIBLE = ${literal}; ${source}; return visibleLength;`)() as (s: string) => number;
    for (const sample of ['plain text', '📈📉 emoji', 'e\u0301 combining', 'zero\u200bwidth\u0000nul', 'tags\u{e0041}\u{e0042}', 'line\nand\ttab']) {
      expect(visibleLength(sample)).toBe(codePointLength(stripInvisible(sample).text));
    }
    expect(chat).toMatch(/const n = visibleLength\(ui\.answer\.value\);/);
  });
});
