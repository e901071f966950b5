/**
 * A byte counter with a ceiling. Callers add what they hold and subtract it when done; those
 * that must not go over wait (FIFO) until enough has been given back.
 */
export class MemoryLimit {
  private usedBytes = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  get used(): number {
    return this.usedBytes;
  }

  get available(): number {
    return Math.max(0, this.capacity - this.usedBytes);
  }

  get exhausted(): boolean {
    return this.usedBytes >= this.capacity;
  }

  add(bytes: number): void {
    this.usedBytes += bytes;
  }

  sub(bytes: number): void {
    this.usedBytes -= bytes;
    if (this.usedBytes < 0) throw new Error(`memory accounting went negative (${this.usedBytes})`);
    while (this.waiters.length > 0 && !this.exhausted) this.waiters.shift()!();
  }

  /** Resolves once usage is below the ceiling (at once when it already is), or on abort. */
  whenAvailable(signal?: AbortSignal): Promise<void> {
    if (!this.exhausted || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
