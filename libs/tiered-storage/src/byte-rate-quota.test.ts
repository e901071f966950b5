import { describe, expect, it } from 'vitest';
import { ByteRateQuota } from './byte-rate-quota.js';

function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    elapsed: () => t,
    clock: {
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        t += ms;
      },
    },
  };
}

describe('ByteRateQuota', () => {
  it('holds the average copy rate at the quota, one whole segment at a time', async () => {
    const c = fakeClock();
    const q = new ByteRateQuota(1000, c.clock);
    // Ten 500-byte segments at 1000 B/s: the first second's allowance, then 0.5 s each.
    for (let i = 0; i < 10; i++) {
      await q.admit();
      q.record(500);
    }
    await q.admit();
    expect(c.elapsed()).toBe(4000); // 5000 bytes, 1000 of them allowance: 4 s
  });

  it('lets one large segment through and makes the next wait off its debt', async () => {
    const c = fakeClock();
    const q = new ByteRateQuota(1000, c.clock);
    await q.admit();
    q.record(5000);
    expect(c.elapsed()).toBe(0);
    await q.admit();
    expect(c.elapsed()).toBe(4000);
  });

  it('does not bank more than one second of allowance while idle', async () => {
    const c = fakeClock();
    const q = new ByteRateQuota(1000, c.clock);
    await c.clock.sleep(60_000);
    q.record(3000);
    const before = c.elapsed();
    await q.admit();
    expect(c.elapsed() - before).toBe(2000);
  });

  it('stops waiting when cancelled, and treats Long.MAX_VALUE as no quota', async () => {
    const c = fakeClock();
    const q = new ByteRateQuota(1000, c.clock);
    q.record(10_000);
    await q.admit(() => true);
    expect(c.elapsed()).toBe(0);
    const free = new ByteRateQuota(Number('9223372036854775807'), c.clock);
    free.record(1e12);
    await free.admit();
    expect(free.unlimited).toBe(true);
    expect(c.elapsed()).toBe(0);
    expect(() => new ByteRateQuota(0)).toThrow(/positive/);
  });

  it('says when a skip is due (remote fetches) until the debt is paid off', async () => {
    const c = fakeClock();
    const q = new ByteRateQuota(1000, c.clock);
    expect(q.exceeded()).toBe(false);
    q.record(2500); // 1000 allowance: 1500 of debt, paid off in 1.5 s
    expect(q.exceeded()).toBe(true);
    await c.clock.sleep(1000);
    expect(q.exceeded()).toBe(true);
    await c.clock.sleep(500);
    expect(q.exceeded()).toBe(false);
  });
});
