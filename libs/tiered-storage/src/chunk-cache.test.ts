import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ChunkCache } from './chunk-cache.js';
import { MemObjectStore } from './mem-object-store.js';

describe('ChunkCache', () => {
  it('serves ranges across chunks, reads ahead, and stays within its byte cap', async () => {
    const store = new MemObjectStore();
    const data = randomBytes(10_000);
    await store.put('o', data);
    const cache = new ChunkCache(store, { chunkSize: 1000, maxBytes: 3000, readAhead: 2 });
    expect((await cache.read('o', data.length, 950, 2050)).equals(data.subarray(950, 2050))).toBe(
      true,
    );
    await new Promise((r) => setTimeout(r, 10));
    const gets = store.calls.get;
    expect(gets).toBe(5); // chunks 0-2 demanded, 3-4 read ahead
    expect((await cache.read('o', data.length, 3000, 4000)).equals(data.subarray(3000, 4000))).toBe(
      true,
    );
    expect(store.calls.get).toBe(gets + 1); // chunks 3-4 were read ahead; only 5 is new
    expect(cache.usedBytes).toBeLessThanOrEqual(3000);
    expect((await cache.read('o', data.length, 9990, 20_000)).equals(data.subarray(9990))).toBe(
      true,
    );
  });

  it('does not keep a failed fetch', async () => {
    const store = new MemObjectStore();
    await store.put('o', Buffer.alloc(100, 1));
    const cache = new ChunkCache(store, { chunkSize: 50, maxBytes: 1000, readAhead: 0 });
    store.failNext('get');
    await expect(cache.read('o', 100, 0, 10)).rejects.toThrow(/injected/);
    expect((await cache.read('o', 100, 0, 10)).length).toBe(10);
  });
});
