import { describe, expect, it } from 'vitest';
import { post, securedApp, validAnswer } from './helpers/secured-app.js';

const statuses = async (n: number, send: (i: number) => Promise<Response> | Response) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send(i)).status);
  return out;
};
const count = (xs: number[], s: number) => xs.filter((x) => x === s).length;

describe('rate limits count verified callers only', () => {
  it('does not give an unverified bearer token its own grading bucket when API_KEYS is unset', async () => {
    const { app, calls } = securedApp({ RATE_LIMIT_PER_MIN: '5' });
    const got = await statuses(12, (i) => post(app, '/api/grade', validAnswer, { authorization: `Bearer r${i}` }));
    expect(count(got, 200)).toBe(5);
    expect(count(got, 429)).toBe(7);
    expect(calls.grades).toBe(5);
  });

  it('does not give an unverified bearer token its own read bucket', async () => {
    const { app } = securedApp({ RATE_LIMIT_READS_PER_MIN: '20' });
    const got = await statuses(30, (i) => app.request('/api/questions', { headers: { authorization: `Bearer r${i}` } }));
    expect(count(got, 200)).toBe(20);
    expect(count(got, 429)).toBe(10);
  });

  it('gives each configured API key its own bucket', async () => {
    const { app } = securedApp({ API_KEYS: 'key-one,key-two', RATE_LIMIT_PER_MIN: '2' });
    const one = await statuses(3, () => post(app, '/api/grade', validAnswer, { authorization: 'Bearer key-one' }));
    const two = await statuses(3, () => post(app, '/api/grade', validAnswer, { authorization: 'Bearer key-two' }));
    expect(one).toEqual([200, 200, 429]);
    expect(two).toEqual([200, 200, 429]);
  });

  it('limits page-token callers by address, as a fresh token costs nothing', async () => {
    const { app, security } = securedApp({ API_KEYS: 'k', RATE_LIMIT_READS_PER_MIN: '3' });
    const got = await statuses(5, () => app.request('/api/questions', { headers: { authorization: `Bearer ${security.pageTokens.issue()}` } }));
    expect(got).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('failed authentication', () => {
  it('is throttled per address: after AUTH_FAILURES_PER_MIN failures, 429 even for the right key', async () => {
    const { app } = securedApp({ API_KEYS: 'right-key', AUTH_FAILURES_PER_MIN: '5' });
    const wrong = await statuses(8, (i) => app.request('/api/questions', { headers: { authorization: `Bearer wrong-${i}` } }));
    expect(wrong).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Locked out, a guess that happens to be right is not told apart from a wrong one.
    const right = await app.request('/api/questions', { headers: { authorization: 'Bearer right-key' } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts another address apart', async () => {
    const { app } = securedApp({ API_KEYS: 'right-key', AUTH_FAILURES_PER_MIN: '2', TRUST_PROXY: 'true' });
    const from = (ip: string, key: string) => app.request('/api/questions', { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': ip } });
    expect(await statuses(3, () => from('192.0.2.1', 'nope'))).toEqual([401, 401, 429]);
    expect((await from('192.0.2.2', 'right-key')).status).toBe(200);
  });
});

describe('IPv6 clients behind a trusted proxy', () => {
  const spellings = ['2001:db8:1:2::5', '2001:DB8:1:2:0:0:0:5', '2001:0db8:0001:0002:0000:0000:0000:0005', '[2001:db8:1:2::5]:443', '2001:db8:1:2:ffff:1:2:3', '2001:db8:1:2::abcd'];

  it('share one bucket across spellings and across their /64', async () => {
    const { app } = securedApp({ TRUST_PROXY: 'true', RATE_LIMIT_READS_PER_MIN: '3' });
    const got = await statuses(spellings.length, (i) => app.request('/api/questions', { headers: { 'x-forwarded-for': spellings[i] ?? '' } }));
    expect(got).toEqual([200, 200, 200, 429, 429, 429]);
  });

  it('keep separate /64 networks apart, and honour RATE_LIMIT_IPV6_PREFIX', async () => {
    const read = (app: ReturnType<typeof securedApp>['app'], ip: string) => app.request('/api/questions', { headers: { 'x-forwarded-for': ip } });
    const per64 = securedApp({ TRUST_PROXY: 'true', RATE_LIMIT_READS_PER_MIN: '1' }).app;
    expect([(await read(per64, '2001:db8:1:2::1')).status, (await read(per64, '2001:db8:1:3::1')).status]).toEqual([200, 200]);
    const per48 = securedApp({ TRUST_PROXY: 'true', RATE_LIMIT_READS_PER_MIN: '1', RATE_LIMIT_IPV6_PREFIX: '48' }).app;
    expect([(await read(per48, '2001:db8:1:2::1')).status, (await read(per48, '2001:db8:1:3::1')).status]).toEqual([200, 429]);
  });

  it('count an IPv4-mapped address as the IPv4 address', async () => {
    const { app } = securedApp({ TRUST_PROXY: 'true', RATE_LIMIT_READS_PER_MIN: '2' });
    const got = await statuses(3, (i) => app.request('/api/questions', { headers: { 'x-forwarded-for': ['192.0.2.7', '::ffff:192.0.2.7', '::FFFF:c000:0207'][i] ?? '' } }));
    expect(got).toEqual([200, 200, 429]);
  });
});
