/**
 * A rate measured over a window of samples, as Kafka's `Rate` over a `SampledStat`
 * (quota.window.num samples of quota.window.size.seconds each), and Kafka's throttle time:
 * how long the client must stay quiet for the measured rate to fall back to the quota.
 *
 * One deliberate difference: Kafka pads a young window (fewer than samples-1 full samples) up
 * to samples-1 windows, so a new client, or one idle for a whole window, may burst about ten
 * seconds of quota at once; a greedy client then oscillates with the window's period (burst,
 * ~10 s muted, burst). Here the window is never shorter than one sample, so the first burst is
 * one sample's worth and a greedy client settles at the quota (see quotas/README.md).
 */
export interface RateWindow {
  /** Samples kept (quota.window.num, Kafka default 11). */
  readonly samples: number;
  /** Length of one sample in ms (quota.window.size.seconds × 1000, Kafka default 1000). */
  readonly sampleMs: number;
}

export class SampledRate {
  private readonly starts: Float64Array;
  private readonly values: Float64Array;
  private current = -1;
  /** Time of the last record; sensors idle for a whole window can be dropped. */
  lastRecordMs = 0;

  constructor(private readonly window: RateWindow) {
    this.starts = new Float64Array(window.samples).fill(Number.NEGATIVE_INFINITY);
    this.values = new Float64Array(window.samples);
  }

  record(value: number, nowMs: number): void {
    this.lastRecordMs = nowMs;
    if (this.current < 0 || nowMs - this.starts[this.current] >= this.window.sampleMs) {
      this.current = (this.current + 1) % this.window.samples;
      this.starts[this.current] = nowMs;
      this.values[this.current] = 0;
    }
    this.values[this.current] += value;
  }

  /** Units per second over the retained samples, and the window (ms) it was measured over. */
  measure(nowMs: number): { rate: number; windowMs: number } {
    const expireBefore = nowMs - this.window.samples * this.window.sampleMs;
    let sum = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.window.samples; i++) {
      if (this.starts[i] <= expireBefore) continue; // obsolete (or never used)
      sum += this.values[i];
      if (this.starts[i] < oldest) oldest = this.starts[i];
    }
    if (sum === 0) return { rate: 0, windowMs: this.window.sampleMs };
    const windowMs = Math.max(nowMs - oldest, this.window.sampleMs);
    return { rate: (sum * 1000) / windowMs, windowMs };
  }

  /** True when no sample is recent enough to count: the sensor measures 0 and may be dropped. */
  idle(nowMs: number): boolean {
    return nowMs - this.lastRecordMs >= this.window.samples * this.window.sampleMs;
  }
}

/**
 * Kafka's throttle time (QuotaUtils.throttleTime): with no new records, the measured rate
 * falls back to `quota` after (observed - quota) / quota × window. 0 when within the quota.
 */
export function throttleTimeMs(observed: number, quota: number, windowMs: number): number {
  if (observed <= quota) return 0;
  return Math.round(((observed - quota) / quota) * windowMs);
}
