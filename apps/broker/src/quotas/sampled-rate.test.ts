import { describe, expect, it } from 'vitest';
import { SampledRate, throttleTimeMs } from './sampled-rate.js';

const WINDOW = { samples: 11, sampleMs: 1000 };

describe('SampledRate', () => {
  it('measures at least one sample long, then over the elapsed time', () => {
    const r = new SampledRate(WINDOW);
    r.record(500, 0);
    expect(r.measure(0)).toEqual({ rate: 500, windowMs: 1000 });
    expect(r.measure(500)).toEqual({ rate: 500, windowMs: 1000 });
    r.record(500, 1500);
    expect(r.measure(2000)).toEqual({ rate: 500, windowMs: 2000 });
  });

  it('drops samples older than the whole window', () => {
    const r = new SampledRate(WINDOW);
    r.record(11_000, 0);
    for (let t = 1000; t <= 10_000; t += 1000) r.record(100, t);
    expect(r.measure(10_500).rate).toBeCloseTo((11_000 + 1000) / 10.5, 6);
    // At 11 s the first sample expires; the window now starts at the 1 s sample.
    expect(r.measure(11_000).rate).toBeCloseTo(1000 / 10, 6);
    expect(r.idle(21_000)).toBe(true);
    expect(r.measure(21_000)).toEqual({ rate: 0, windowMs: 1000 });
  });

  it('reuses its ring of samples as time goes on', () => {
    const r = new SampledRate({ samples: 3, sampleMs: 100 });
    for (let t = 0; t < 1000; t += 100) r.record(10, t);
    // Three samples of 10 over 200 ms of elapsed window (the oldest started at 700).
    expect(r.measure(900)).toEqual({ rate: 150, windowMs: 200 });
  });

  it('settles a greedy client that honours throttle times at the quota', () => {
    const quota = 1_000_000;
    const r = new SampledRate(WINDOW);
    const perSecond = new Array<number>(40).fill(0);
    let t = 0;
    while (t < 40_000) {
      r.record(16_384, t);
      perSecond[Math.floor(t / 1000)] += 16_384;
      const { rate, windowMs } = r.measure(t);
      t += Math.max(throttleTimeMs(rate, quota, windowMs), 2);
    }
    for (let start = 0; start + 10 <= 40; start++) {
      const bytes = perSecond.slice(start, start + 10).reduce((a, b) => a + b, 0);
      expect(bytes / 10 / quota).toBeGreaterThan(0.97);
      expect(bytes / 10 / quota).toBeLessThan(1.03);
    }
  });
});

describe('throttleTimeMs', () => {
  it('is the time for the rate to fall back to the quota', () => {
    expect(throttleTimeMs(100, 100, 1000)).toBe(0);
    expect(throttleTimeMs(150, 100, 2000)).toBe(1000);
    expect(throttleTimeMs(300, 100, 11_000)).toBe(22_000);
  });
});
