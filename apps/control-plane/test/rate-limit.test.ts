// Rate limits per credential: past the per-minute budget a caller gets 429 problem+json
// with Retry-After, while another API key of the same user keeps its own budget. The API's
// clock is pinned (30 s into a one-minute window), so no request can straddle a window
// boundary and Retry-After is exact; moving the clock to the next window restores the budget.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, expectProblem, signUp, startPlatform, type Platform } from './harness.js';

const WINDOW_START = Date.UTC(2030, 0, 1, 12, 0, 0);
let now = WINDOW_START + 30_000;
let p: Platform;
beforeAll(async () => {
  p = await startPlatform({ TRIBUTARY_RATE_LIMIT_PER_MINUTE: '5' }, { clock: () => now });
});
afterAll(async () => {
  await p?.stop();
});

it('answers 429 with Retry-After past the budget, per API key, until the next window', async () => {
  const { client } = await signUp(p.baseUrl);
  const k1 = (await client.post('/v1/cloud-api-keys', {})).body.token;
  const k2 = (await client.post('/v1/cloud-api-keys', {})).body.token;
  const a = new Client(p.baseUrl);
  a.bearer = k1;
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await a.get('/v1/organizations')).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  now = WINDOW_START + 45_500;
  const limited = await a.get('/v1/organizations');
  expectProblem(limited, 429);
  expect(limited.headers.get('retry-after')).toBe('15');
  const b = new Client(p.baseUrl);
  b.bearer = k2;
  expect((await b.get('/v1/organizations')).status).toBe(200);
  now = WINDOW_START + 60_000;
  expect((await a.get('/v1/organizations')).status).toBe(200);
});
