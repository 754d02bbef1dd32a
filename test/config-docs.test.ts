import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Env } from '../src/config.js';

// The configuration tables of the README and the docs pages: rows `| \`NAME\` | default | meaning |`
// under a `| variable | default | meaning |` header.
const files = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const rows = new Map<string, { file: string; default: string }>();
for (const file of files) {
  let inTable = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('| variable | default |')) inTable = true;
    else if (!line.startsWith('|')) inTable = false;
    const m = inTable ? /^\| `([A-Z][A-Z0-9_]*)` \|\s*([^|]*?)\s*\|/.exec(line) : null;
    if (m?.[1]) {
      expect(rows.has(m[1]), `${m[1]} is documented twice`).toBe(false);
      rows.set(m[1], { file, default: (m[2] ?? '').trim() });
    }
  }
}
const variables = Object.keys(Env.shape);
const defaults: Record<string, unknown> = Env.parse({ ALLOWED_HOSTS: '*' });

describe('configuration tables', () => {
  it('document every variable the env schema reads, and no other', () => {
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((v) => !rows.has(v))).toEqual([]);
    expect([...rows.keys()].filter((v) => !variables.includes(v))).toEqual([]);
  });

  it("give each variable the schema's default where the table names a literal", () => {
    const wrong: string[] = [];
    for (const [name, row] of rows) {
      if (name === 'ALLOWED_HOSTS') continue; // parsed above with `*` so loopback rules do not apply
      const value = defaults[name];
      const shown = Array.isArray(value) ? value.join(',') : value !== null && typeof value === 'object' ? '' : value === undefined ? '' : String(value);
      // No schema default (BANK_PATH, DB_PATH, ...): the code that reads the variable applies its own.
      if (value === undefined && row.default !== '') continue;
      const literal = /^`([^`]*)`$/.exec(row.default)?.[1];
      if (literal !== undefined ? literal !== shown : row.default === '' && shown !== '') wrong.push(`${name}: table says "${row.default}", schema gives "${shown}"`);
    }
    expect(wrong).toEqual([]);
  });
});
