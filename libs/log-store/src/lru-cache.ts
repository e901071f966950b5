/**
 * A weight-capped LRU map. Backs the shared caches that keep memory and open file descriptors
 * bounded no matter how much data a log holds (indexes of closed segments, read handles).
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;

  constructor(
    private readonly maxWeight: number,
    private readonly onEvict: (key: K, value: V) => void = () => {},
  ) {}

  get size(): number {
    return this.map.size;
  }

  get weight(): number {
    return this.total;
  }

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    this.map.set(key, { value, weight });
    this.total += weight;
    for (const [k, v] of this.map) {
      if (this.total <= this.maxWeight || this.map.size === 1) break;
      this.map.delete(k);
      this.total -= v.weight;
      this.onEvict(k, v.value);
    }
  }

  /** Removes without calling onEvict. */
  delete(key: K): boolean {
    const hit = this.map.get(key);
    if (!hit) return false;
    this.map.delete(key);
    this.total -= hit.weight;
    return true;
  }
}
