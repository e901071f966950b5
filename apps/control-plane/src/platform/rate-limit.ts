/**
 * Requests per minute per credential (cloud API key or session), counted in Redis so every
 * API instance shares the budget: fixed one-minute windows, 429 with Retry-After.
 */
import type { Redis } from 'ioredis';
import { problems } from './problem.js';

export async function checkRateLimit(
  redis: Redis,
  credentialId: string,
  perMinute: number,
): Promise<void> {
  const now = Date.now();
  const window = Math.floor(now / 60_000);
  const key = `rl:${credentialId}:${window}`;
  const [[, count]] = (await redis.multi().incr(key).pexpire(key, 61_000).exec()) as [
    [null, number],
    unknown,
  ];
  if (count > perMinute) {
    throw problems.tooManyRequests(Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000)));
  }
}
