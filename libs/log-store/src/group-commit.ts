/**
 * Group commit: flush(offset) callers share fsyncs. At most one sync round runs at a time; it
 * covers everything written when it started. Callers arriving meanwhile wait for the next
 * round, which then covers all of them with one fsync per dirty segment.
 */
interface Waiter {
  offset: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface GroupCommitDeps {
  /** Offset below which every batch is written to its file. */
  writtenOffset(): number;
  /** fsyncs every segment holding written-but-unsynced bytes, oldest first. */
  syncAll(): Promise<void>;
  onError(err: Error): void;
}

export class GroupCommit {
  /** Every batch below this offset is durable. */
  flushedOffset: number;
  /** Sync rounds started (for tests and metrics). */
  rounds = 0;
  private waiters: Waiter[] = [];
  private running = false;
  private failure: Error | null = null;

  constructor(
    private readonly deps: GroupCommitDeps,
    flushedOffset: number,
  ) {
    this.flushedOffset = flushedOffset;
  }

  flush(offset: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (offset <= this.flushedOffset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ offset, resolve, reject });
      this.kick();
    });
  }

  /** Called when writes complete: a waiter may now be coverable. */
  kick(): void {
    if (this.running || this.waiters.length === 0 || this.failure) return;
    const target = this.deps.writtenOffset();
    if (target <= this.flushedOffset) return;
    this.running = true;
    this.rounds++;
    this.deps.syncAll().then(
      () => {
        this.running = false;
        if (target > this.flushedOffset) this.flushedOffset = target;
        const still: Waiter[] = [];
        for (const w of this.waiters) {
          if (w.offset <= this.flushedOffset) w.resolve();
          else still.push(w);
        }
        this.waiters = still;
        this.kick();
      },
      (err: unknown) => {
        this.running = false;
        const e = err instanceof Error ? err : new Error(String(err));
        this.fail(e);
        this.deps.onError(e);
      },
    );
  }

  /** After a failed fsync nothing unsynced can be trusted: every waiter and later caller fails. */
  fail(err: Error): void {
    if (!this.failure) this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
