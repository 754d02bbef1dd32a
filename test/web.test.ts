import { describe, expect, it } from 'vitest';
import { createGrader } from '../src/grading/grade.js';
import { createApp } from '../src/http/app.js';
import { createStore } from '../src/store/store.js';
import { bank, testCoach } from './helpers/app.js';
import { scriptedJudge, swappedVerdict } from './helpers/scripted-llm-judge.js';
import { sessionApp } from './helpers/session-app.js';
import { ASSETS } from '../src/web/web-routes.js';

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
    // The limit is counted in code points as the server counts them (by the page's script, which says what
    // a paste lost), not in UTF-16 units by a maxlength that would cut silently.
    expect(html).toContain('data-max-answer-chars="8000"');
    expect(html).not.toContain('maxlength');
    expect(html).toContain('Embedded judge (offline, no LLM)');
    // The filter values come from the bank's facets, filled in by the script.
    expect(html).toContain('<option value="">Any topic (');
    for (const mode of ['practice', 'review', 'mock']) expect(html).toContain(`<input type="radio" name="mode" value="${mode}"`);
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
    // Every module the page's script reaches through its imports is served, and nothing else is listed.
    const seen = new Map<string, string>();
    const queue = ['chat.js'];
    while (queue.length) {
      const name = queue.shift() ?? '';
      if (seen.has(name)) continue;
      const js = await app.request(`/static/${name}`);
      expect(js.status, name).toBe(200);
      expect(js.headers.get('content-type')).toContain('text/javascript');
      const script = await js.text();
      seen.set(name, script);
      for (const m of script.matchAll(/from '\.\/([a-z-]+\.js)'/g)) queue.push(m[1] ?? '');
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(ASSETS).filter((n) => n.endsWith('.js')).sort());
    for (const script of seen.values()) {
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
