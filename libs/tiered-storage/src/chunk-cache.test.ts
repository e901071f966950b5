import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ChunkCache, MAX_READ_AHEAD_GETS } from './chunk-cache.js';
import { MemObjectStore } from './mem-object-store.js';

const C = 1000; // chunk size in these tests

async function storeWith(
  size: number,
  key = 'o',
): Promise<{ store: MemObjectStore; data: Buffer }> {
  const store = new MemObjectStore();
  const data = randomBytes(size);
  await store.put(key, data);
  return { store, data };
}

/** Lets settled GETs run their callbacks (the in-memory store answers in microtasks). */
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('ChunkCache', () => {
  it('serves ranges across chunks as views, and whole', async () => {
    const { store, data } = await storeWith(10_000);
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 3000, readAhead: 0 });
    const pieces = await cache.readPieces('o', data.length, 950, 2050);
    expect(pieces.map((p) => p.length)).toEqual([50, 1000, 50]);
    expect(Buffer.concat(pieces).equals(data.subarray(950, 2050))).toBe(true);
    expect((await cache.read('o', data.length, 9990, 20_000)).equals(data.subarray(9990))).toBe(
      true,
    );
    expect(await cache.readPieces('o', data.length, 500, 500)).toEqual([]);
    expect(store.calls.get).toBe(4); // chunks 0, 1, 2, 9; no read-ahead asked for
  });

  it('keeps a window of read-ahead in flight ahead of a forward reader, in larger GETs further out', async () => {
    const { store, data } = await storeWith(40_000);
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 40_000, readAhead: 12 });
    store.holdGets();
    const first = cache.readPieces('o', data.length, 0, 1000, true);
    await settle();
    // The demanded chunk plus at most MAX_READ_AHEAD_GETS read-ahead GETs.
    expect(store.getsInFlight).toBe(1 + MAX_READ_AHEAD_GETS);
    expect(cache.readAheadInFlight).toBe(MAX_READ_AHEAD_GETS);
    store.releaseGets();
    expect(Buffer.concat(await first).equals(data.subarray(0, 1000))).toBe(true);
    await settle();
    // Each landing GET sent the next one: the window [1, 12] is fetched by now, but for a
    // tail shorter than a full far GET (3 chunks), which waits until the window moves on.
    const ranges = store.ranges.map((r) => [r.start / C, (r.end - r.start) / C]);
    expect(ranges[0]).toEqual([0, 1]);
    const covered = new Set<number>();
    for (const [start, n] of ranges.slice(1))
      for (let i = start; i < start + n; i++) covered.add(i);
    expect([...covered].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    // Near the reader one chunk per GET; further out up to readAhead / MAX_READ_AHEAD_GETS.
    expect(ranges[1]).toEqual([1, 1]);
    expect(Math.max(...ranges.map(([, n]) => n))).toBe(3);
    // Reading forward now hits; every read moves the window and keeps it filled.
    const gets = store.calls.get;
    for (let at = 1000; at < 30_000; at += 1000) {
      const got = Buffer.concat(await cache.readPieces('o', data.length, at, at + 1000, true));
      expect(got.equals(data.subarray(at, at + 1000))).toBe(true);
      await settle();
    }
    expect(cache.misses).toBe(1);
    expect(store.calls.get - gets).toBeLessThan(29); // coalesced: fewer GETs than chunks read
    expect(cache.peakBytes).toBeLessThanOrEqual(40_000);
  });

  it('never holds or fetches more than maxBytes, however far the window reaches', async () => {
    const { store, data } = await storeWith(50_000);
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 5000, readAhead: 20 });
    store.holdGets();
    const pending = cache.readPieces('o', data.length, 0, 1500, true);
    await settle();
    expect(cache.usedBytes).toBeLessThanOrEqual(5000);
    let inFlightBytes = 0;
    for (const r of store.ranges) inFlightBytes += r.end - r.start;
    expect(inFlightBytes).toBeLessThanOrEqual(5000);
    store.releaseGets();
    expect(Buffer.concat(await pending).equals(data.subarray(0, 1500))).toBe(true);
    for (let at = 1500; at < 50_000; at += 700) {
      const got = await cache.read('o', data.length, at, at + 700, true);
      expect(got.equals(data.subarray(at, Math.min(at + 700, 50_000)))).toBe(true);
      expect(cache.usedBytes).toBeLessThanOrEqual(5000);
    }
    await settle();
    expect(cache.peakBytes).toBeLessThanOrEqual(5000);
    expect(cache.uncached).toBe(0);
  });

  it('does not push out read-ahead nobody has read yet to make room for more read-ahead', async () => {
    const a = await storeWith(20_000, 'a');
    await a.store.put('b', randomBytes(20_000));
    const cache = new ChunkCache(a.store, { chunkSize: C, maxBytes: 8000, readAhead: 6 });
    await cache.read('a', 20_000, 0, 1000, true); // a: chunk 0 read, 1-6 read ahead
    await settle();
    const afterA = a.store.calls.get;
    await cache.read('b', 20_000, 0, 1000, true); // b: room for its chunk 0 and one more only
    await settle();
    for (let i = 1; i <= 6; i++) {
      await cache.read('a', 20_000, i * C, (i + 1) * C); // still cached: no GET
    }
    const aGets = a.store.ranges.slice(afterA).filter((r) => r.key === 'a');
    expect(aGets).toEqual([]);
  });

  it('fails a read whose GET fails, caches nothing of it, and reads again next time', async () => {
    const { store, data } = await storeWith(10_000);
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 10_000, readAhead: 4 });
    store.holdGets();
    const failing = cache.readPieces('o', data.length, 0, 1000, true);
    await settle();
    store.failHeldGets('connection reset');
    await expect(failing).rejects.toThrow(/connection reset/);
    await settle();
    expect(cache.usedBytes).toBe(0);
    expect(cache.readAheadInFlight).toBe(0);
    store.releaseGets();
    expect((await cache.read('o', data.length, 0, 1000, true)).equals(data.subarray(0, 1000))).toBe(
      true,
    );
  });

  it('a failed read-ahead GET does not fail the read that started it; the next read retries', async () => {
    const { store, data } = await storeWith(10_000);
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 10_000, readAhead: 3 });
    await cache.read('o', data.length, 0, 1000); // chunk 0 cached, no read-ahead
    store.holdGets();
    const hit = await cache.read('o', data.length, 0, 1000, true); // read-ahead of 1-3 held
    expect(hit.equals(data.subarray(0, 1000))).toBe(true);
    await settle();
    expect(store.getsInFlight).toBeGreaterThan(0);
    store.failHeldGets();
    await settle();
    expect(store.getsInFlight).toBe(0);
    expect(cache.usedBytes).toBe(C); // only chunk 0
    store.releaseGets();
    const gets = store.calls.get;
    expect(
      (await cache.read('o', data.length, 1000, 2000, true)).equals(data.subarray(1000, 2000)),
    ).toBe(true);
    expect(store.calls.get).toBeGreaterThan(gets);
  });

  it('a read waiting on a failing read-ahead GET fails with its error', async () => {
    const { store, data } = await storeWith(10_000);
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 10_000, readAhead: 3 });
    store.holdGets();
    const first = cache.read('o', data.length, 0, 1000, true);
    await settle();
    const second = cache.read('o', data.length, 1000, 2000, true); // shares the read-ahead GET
    store.failHeldGets('S3 said 500');
    await expect(first).rejects.toThrow(/S3 said 500/);
    await expect(second).rejects.toThrow(/S3 said 500/);
  });

  it('aborts read-ahead GETs of evicted objects, and everything on close', async () => {
    const { store, data } = await storeWith(10_000);
    await store.put('other', randomBytes(5000));
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 10_000, readAhead: 4 });
    await cache.read('o', data.length, 0, 1000);
    store.holdGets();
    void cache.read('o', data.length, 0, 1000, true);
    await settle();
    expect(store.getsInFlight).toBeGreaterThan(0);
    cache.evict('o');
    await settle();
    expect(store.getsInFlight).toBe(0);
    expect(cache.usedBytes).toBe(0);
    const other = cache.read('other', 5000, 0, 1000, true);
    await settle();
    cache.close();
    await expect(other).rejects.toThrow();
    expect(store.getsInFlight).toBe(0);
    await expect(cache.read('o', data.length, 0, 10)).rejects.toThrow(/closed/);
  });

  it('prefetch warms the start of the next object within the same window', async () => {
    const { store, data } = await storeWith(10_000, 'next');
    const cache = new ChunkCache(store, { chunkSize: C, maxBytes: 10_000, readAhead: 4 });
    cache.prefetch('next', data.length, 0, 2500);
    await settle();
    expect(store.ranges.map((r) => [r.start, r.end])).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 3000],
    ]);
    const gets = store.calls.get;
    expect((await cache.read('next', data.length, 0, 3000)).equals(data.subarray(0, 3000))).toBe(
      true,
    );
    expect(store.calls.get).toBe(gets);
  });
});
