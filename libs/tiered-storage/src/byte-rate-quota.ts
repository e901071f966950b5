/**
 * A byte-rate quota shared by all partitions (KIP-956's remote.log.manager.copy / .fetch
 * .max.bytes.per.second): bytes moved, averaged over time, stay at or below the rate. Work is
 * never cut short: the bytes a copy or read took beyond the allowance are a debt the next one
 * waits off (copies: `admit`) or is skipped for (remote fetches: `exceeded`), so one large
 * segment may burst and the average holds. The allowance is at most one second of the rate. A
 * rate of Number.MAX_SAFE_INTEGER or more (Kafka's default Long.MAX_VALUE) is no quota.
 */
export interface QuotaClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: QuotaClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
};

const MAX_SLICE_MS = 250;

export class ByteRateQuota {
  private tokens: number;
  private at: number;

  constructor(
    readonly bytesPerSecond: number,
    private readonly clock: QuotaClock = realClock,
  ) {
    if (!(bytesPerSecond > 0)) throw new Error('a byte-rate quota must be a positive byte rate');
    this.tokens = bytesPerSecond;
    this.at = clock.now();
  }

  get unlimited(): boolean {
    return this.bytesPerSecond >= Number.MAX_SAFE_INTEGER;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.bytesPerSecond,
      this.tokens + ((now - this.at) * this.bytesPerSecond) / 1000,
    );
    this.at = now;
  }

  /** Waits until earlier work is paid off (returns at once when within the quota). */
  async admit(isCancelled: () => boolean = () => false): Promise<void> {
    if (this.unlimited) return;
    for (;;) {
      this.refill();
      if (this.tokens >= 0 || isCancelled()) return;
      // In slices, so a broker shutting down is not held by a long wait.
      const wait = Math.ceil((-this.tokens * 1000) / this.bytesPerSecond);
      await this.clock.sleep(Math.min(wait, MAX_SLICE_MS));
    }
  }

  /** Whether earlier work is not yet paid off (the caller skips instead of waiting). */
  exceeded(): boolean {
    if (this.unlimited) return false;
    this.refill();
    return this.tokens < 0;
  }

  /** Charges `bytes` of finished work. */
  record(bytes: number): void {
    if (this.unlimited) return;
    this.refill();
    this.tokens -= bytes;
  }
}
