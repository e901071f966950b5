/**
 * How long to hold a failed authentication's answer (connection.failed.authentication.delay.ms)
 * against online guessing: the base delay for a first failure, doubling for each further
 * failure from the same address within FORGET_AFTER_MS, up to MAX_FACTOR times the base.
 * Memory is bounded: at most MAX_ADDRESSES addresses are remembered (oldest forgotten first).
 * Successes do not reset the count: a valid key must not buy an address fresh guesses.
 */
const FORGET_AFTER_MS = 5 * 60_000;
const MAX_FACTOR = 8;
const MAX_ADDRESSES = 10_000;

export class FailureDelay {
  /** Insertion order is last-failure order (entries are re-inserted on each failure). */
  private readonly failures = new Map<string, { count: number; lastMs: number }>();

  constructor(
    private readonly baseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a failure from `address`; returns the delay to apply to it. */
  fail(address: string): number {
    if (this.baseMs <= 0) return 0;
    const now = this.now();
    const prev = this.failures.get(address);
    const count = prev && now - prev.lastMs < FORGET_AFTER_MS ? prev.count + 1 : 1;
    this.failures.delete(address);
    this.failures.set(address, { count, lastMs: now });
    if (this.failures.size > MAX_ADDRESSES) {
      this.failures.delete(this.failures.keys().next().value!);
    }
    return this.baseMs * Math.min(MAX_FACTOR, 2 ** (count - 1));
  }
}
