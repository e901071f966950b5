/**
 * Requests per minute per credential (cloud API key or session), counted in Redis so every
 * API instance shares the budget: fixed one-minute windows, 429 with Retry-After. The window
 * comes from `now`, the caller's clock, so tests can pin it.
 */
import type { Redis } from 'ioredis';
import { problems } from './problem.js';

export const RATE_WINDOW_MS = 60_000;

export async function checkRateLimit(
  redis: Redis,
  credentialId: string,
  perMinute: number,
  now: number,
): Promise<void> {
  const window = Math.floor(now / RATE_WINDOW_MS);
  const key = `rl:${credentialId}:${window}`;
  const [[, count]] = (await redis
    .multi()
    .incr(key)
    .pexpire(key, RATE_WINDOW_MS + 1_000)
    .exec()) as [[null, number], unknown];
  if (count > perMinute) {
    const untilNext = (window + 1) * RATE_WINDOW_MS - now;
    throw problems.tooManyRequests(Math.max(1, Math.ceil(untilNext / 1000)));
  }
}
