/**
 * Fetch long polls: a Fetch that has fewer than min_bytes waits here until a produce to one
 * of its partitions (or its max_wait_ms timer) wakes it. Keys are "topic\0partition".
 */
export type Wake = () => void;

export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<Wake>>();

  static key(topic: string, partition: number): string {
    return `${topic}\0${partition}`;
  }

  /** Registers `wake` for every key; returns a function that unregisters it. */
  register(keys: readonly string[], wake: Wake): () => void {
    for (const k of keys) {
      let set = this.byPartition.get(k);
      if (!set) this.byPartition.set(k, (set = new Set()));
      set.add(wake);
    }
    return () => {
      for (const k of keys) {
        const set = this.byPartition.get(k);
        if (!set) continue;
        set.delete(wake);
        if (set.size === 0) this.byPartition.delete(k);
      }
    };
  }

  notify(topic: string, partition: number): void {
    const set = this.byPartition.get(FetchWaiters.key(topic, partition));
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /** Wakes everybody (shutdown). */
  wakeAll(): void {
    for (const set of [...this.byPartition.values()]) for (const wake of [...set]) wake();
  }

  get size(): number {
    return this.byPartition.size;
  }
}
