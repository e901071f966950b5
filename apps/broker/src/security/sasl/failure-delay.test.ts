import { expect, it } from 'vitest';
import { FailureDelay } from './failure-delay.js';

it('doubles per failure from one address up to 8x, forgets after 5 minutes', () => {
  let now = 0;
  const d = new FailureDelay(1000, () => now);
  expect([1, 2, 3, 4, 5].map(() => d.fail('10.0.0.1'))).toEqual([1000, 2000, 4000, 8000, 8000]);
  expect(d.fail('10.0.0.2')).toBe(1000);
  now += 5 * 60_000;
  expect(d.fail('10.0.0.1')).toBe(1000);
});

it('is off with a zero delay', () => {
  expect(new FailureDelay(0).fail('x')).toBe(0);
});
