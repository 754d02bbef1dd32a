import { describe, expect, it } from 'vitest';
import { createGrader } from '../src/grading/grade.js';
import { createApp } from '../src/http/app.js';
import { createStore } from '../src/store/store.js';
import { bank, testCoach } from './helpers/app.js';
import { scriptedJudge, swappedVerdict } from './helpers/scripted-llm-judge.js';
import { sessionApp } from './helpers/session-app.js';

describe('GET /', () => {
  it('serves the chat page with labelled controls, a live transcript and the judge named', async () => {
    const { app } = sessionApp();
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const id of ['topic', 'difficulty', 'type', 'count', 'answer']) expect(html).toContain(`<label for="${id}"`);
    expect(html).toContain('aria-live="polite"');
    expect(html).toContain('maxlength="8000"');
    expect(html).toContain('Embedded judge (offline, no LLM)');
    expect(html).toContain('<option value="drift-and-monitoring">Drift and monitoring (3 questions)</option>');
    // Offline: no absolute URL to any other host.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('names the LLM model when the LLM judge serves', async () => {
    const judge = scriptedJudge([swappedVerdict(3, 3)]);
    const { app } = testCoach({}, { judge });
    expect(await (await app.request('/')).text()).toContain('LLM judge: fake-llm-1');
  });
});

describe('GET /static/*', () => {
  it('serves the client modules and stylesheet with their types', async () => {
    const { app } = sessionApp();
    const main = await (await app.request('/static/chat.js')).text();
    const modules = ['chat.js', ...[...main.matchAll(/from '\.\/([a-z-]+\.js)'/g)].map((m) => m[1])];
    expect(modules).toEqual(['chat.js', 'dom.js', 'grade-card.js', 'transcript.js']);
    for (const name of modules) {
      const js = await app.request(`/static/${name}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toContain('text/javascript');
      const script = await js.text();
      // Data never becomes markup, and nothing is fetched from another host.
      expect(script).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/);
      expect(script).not.toMatch(/https?:\/\//);
    }
    const css = await app.request('/static/chat.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).not.toMatch(/@import|url\(\s*["']?https?:/);
  });

  it('answers 404 for anything else', async () => {
    const { app } = sessionApp();
    expect((await app.request('/static/secrets.txt')).status).toBe(404);
    expect((await app.request('/static/..%2Fpage.tsx')).status).toBe(404);
  });
});

describe('grade card wording', () => {
  it('has a plain sentence for every reason a turn can fail', async () => {
    const { TurnFailureReason } = await import('../src/store/turns-repo.js');
    const { readFileSync } = await import('node:fs');
    const card = readFileSync(new URL('../src/web/static/grade-card.js', import.meta.url), 'utf8');
    const table = card.slice(card.indexOf('const REASONS = {'), card.indexOf('};', card.indexOf('const REASONS = {')));
    const keys = [...table.matchAll(/^\s+'?([a-z-]+)'?:/gm)].map((m) => m[1]);
    expect(keys.sort()).toEqual([...TurnFailureReason.options].sort());
  });
});
