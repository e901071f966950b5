import { describe, expect, it } from 'vitest';
import { FetchBuffers, SLAB_BYTES } from './fetch-buffers.js';
import { MemoryLimit } from './memory-limit.js';

describe('MemoryLimit', () => {
  it('wakes waiters in order once usage drops below the ceiling', async () => {
    const m = new MemoryLimit(100);
    m.add(150);
    const order: number[] = [];
    const a = m.whenAvailable().then(() => order.push(1));
    const b = m.whenAvailable().then(() => order.push(2));
    await Promise.resolve();
    expect(order).toEqual([]);
    m.sub(100);
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
  });

  it('stops waiting on abort and refuses negative accounting', async () => {
    const m = new MemoryLimit(10);
    m.add(10);
    const ac = new AbortController();
    const w = m.whenAvailable(ac.signal);
    ac.abort();
    await w;
    expect(() => m.sub(11)).toThrow(/negative/);
  });
});

describe('FetchBuffers', () => {
  it('recycles slabs and counts what leases hold', () => {
    const pool = new FetchBuffers(4 * SLAB_BYTES);
    const lease = pool.lease();
    const a = lease.allocate(600_000);
    const b = lease.allocate(600_000);
    expect(a.buffer).not.toBe(b.buffer); // second read did not fit in the first slab
    expect(pool.limit.used).toBe(1_200_000);
    lease.release();
    expect(pool.limit.used).toBe(0);
    expect(pool.pooledSlabs).toBe(2);
    const again = pool.lease();
    const c = again.allocate(1000);
    expect(pool.pooledSlabs).toBe(1);
    expect(c.length).toBe(1000);
    again.release();
  });

  it('allocates oversized reads outside the slabs but still counts them', () => {
    const pool = new FetchBuffers(2 * SLAB_BYTES);
    const lease = pool.lease();
    lease.allocate(3 * SLAB_BYTES);
    expect(pool.limit.exhausted).toBe(true);
    lease.release();
    expect(pool.limit.used).toBe(0);
    expect(() => lease.allocate(1)).toThrow(/released/);
  });
});
