/**
 * The one clock and timer source of the group coordinator. Production uses wall-clock time and
 * unref'd Node timers; unit tests use ManualScheduler and move time forward explicitly, so every
 * session, rebalance and retention timeout is deterministic and nothing polls.
 */

export interface ScheduledTask {
  cancel(): void;
}

export interface Scheduler {
  now(): number;
  /** Runs `fn` once after `delayMs` (0 = on a later turn of the event loop, never synchronously). */
  schedule(delayMs: number, fn: () => void): ScheduledTask;
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

interface ManualTask {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Time moves only through advance(); due tasks run in deadline order, then in scheduling order. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private tasks: ManualTask[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void): ScheduledTask {
    const task: ManualTask = {
      at: this.time + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.tasks.push(task);
    return {
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  /** Moves the clock forward by `ms`, running every task that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.tasks = this.tasks.filter((t) => !t.cancelled);
      const due = this.tasks
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.time = Math.max(this.time, due.at);
      due.cancelled = true;
      due.fn();
    }
    this.time = end;
  }

  /** Number of live (not yet run, not cancelled) tasks. */
  get pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }
}

/** Timers addressed by key: scheduling a key again replaces its previous timer (as Kafka's coordinator timer does). */
export class KeyedTimers {
  private readonly timers = new Map<string, ScheduledTask>();

  constructor(private readonly scheduler: Scheduler) {}

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.cancel(key);
    const task = this.scheduler.schedule(delayMs, () => {
      if (this.timers.get(key) === task) this.timers.delete(key);
      fn();
    });
    this.timers.set(key, task);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) {
      t.cancel();
      this.timers.delete(key);
    }
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  cancelAll(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
