/**
 * The copy quota (Kafka's remote.log.manager.copy.max.bytes.per.second, KIP-956): the bytes all
 * partitions copy to remote storage, averaged over time, stay at or below the rate. A copy is
 * never cut short: a segment is copied whole, and the bytes it took beyond the allowance are
 * a debt the next copy waits off (so one large segment may burst, the average holds). The
 * allowance is at most one second of the rate. A rate of Number.MAX_SAFE_INTEGER or more (Kafka's
 * default Long.MAX_VALUE) is no quota.
 */
export interface CopyQuotaClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: CopyQuotaClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
};

const MAX_SLICE_MS = 250;

export class CopyQuota {
  private tokens: number;
  private at: number;

  constructor(
    readonly bytesPerSecond: number,
    private readonly clock: CopyQuotaClock = realClock,
  ) {
    if (!(bytesPerSecond > 0)) throw new Error('the copy quota must be a positive byte rate');
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

  /** Waits until earlier copies are paid off (returns at once when within the quota). */
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

  /** Charges a finished (or attempted) copy of `bytes`. */
  record(bytes: number): void {
    if (this.unlimited) return;
    this.refill();
    this.tokens -= bytes;
  }
}
