/**
 * Read buffers for Fetch: recycled 1 MiB slabs, with the total held between reading segment
 * files and handing the bytes to sockets capped at fetch.memory.max.bytes. Memory therefore
 * depends on concurrent fetches and the cap, never on the amount of data stored.
 *
 * A fetch takes one Lease per read pass; buffers handed out by the lease must not be used
 * after `release()`, which the fetch calls once its response is written to the socket.
 */
import { MemoryLimit } from './memory-limit.js';

export const SLAB_BYTES = 1 << 20;

export class FetchBuffers {
  readonly limit: MemoryLimit;
  private readonly free: Buffer[] = [];
  private readonly maxFree: number;

  constructor(capacityBytes: number) {
    this.limit = new MemoryLimit(capacityBytes);
    this.maxFree = Math.max(1, Math.floor(capacityBytes / SLAB_BYTES));
  }

  lease(): Lease {
    return new Lease(this);
  }

  /** @internal */
  takeSlab(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(SLAB_BYTES);
  }

  /** @internal */
  returnSlab(slab: Buffer): void {
    if (this.free.length < this.maxFree) this.free.push(slab);
  }

  get pooledSlabs(): number {
    return this.free.length;
  }
}

export class Lease {
  private slabs: Buffer[] = [];
  private slabUsed = SLAB_BYTES;
  private bytes = 0;
  private released = false;

  constructor(private readonly pool: FetchBuffers) {}

  /** Bytes this lease may still take before the pool's ceiling. */
  get headroom(): number {
    return this.pool.limit.available;
  }

  get held(): number {
    return this.bytes;
  }

  /** A buffer of exactly `size` bytes, counted against the pool until release(). */
  allocate = (size: number): Buffer => {
    if (this.released) throw new Error('lease already released');
    this.bytes += size;
    this.pool.limit.add(size);
    if (size > SLAB_BYTES) return Buffer.allocUnsafe(size);
    if (this.slabUsed + size > SLAB_BYTES) {
      this.slabs.push(this.pool.takeSlab());
      this.slabUsed = 0;
    }
    const slab = this.slabs[this.slabs.length - 1];
    const out = slab.subarray(this.slabUsed, this.slabUsed + size);
    this.slabUsed += size;
    return out;
  };

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const slab of this.slabs) this.pool.returnSlab(slab);
    this.slabs = [];
    this.pool.limit.sub(this.bytes);
    this.bytes = 0;
  }
}
