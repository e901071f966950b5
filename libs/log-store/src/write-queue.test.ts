import { describe, expect, it } from 'vitest';
import { MemFileOps } from './fs/mem-fs.js';
import { LruCache } from './lru-cache.js';
import { Segment } from './segment.js';
import { WriteQueue, type WriteGroup } from './write-queue.js';

async function setup() {
  const fs = new MemFileOps();
  await fs.mkdir('/d');
  const cache = new LruCache<Segment, true>(10);
  const written: number[] = [];
  const errors: Error[] = [];
  const q = new WriteQueue(
    (g: WriteGroup) => written.push(g.endOffset),
    (e) => errors.push(e),
  );
  return { fs, cache, q, written, errors };
}

describe('WriteQueue', () => {
  it('coalesces one tick of enqueues per segment and writes segments in order', async () => {
    const { fs, cache, q, written } = await setup();
    const a = Segment.create(fs, '/d', 0, cache);
    const b = Segment.create(fs, '/d', 3, cache);
    const p1 = q.enqueue(a, Buffer.from('aa'), 0, 1);
    const p2 = q.enqueue(a, Buffer.from('bb'), 2, 2);
    const p3 = q.enqueue(b, Buffer.from('cc'), 0, 3);
    expect(p1).toBe(p2);
    await p3;
    expect(written).toEqual([2, 3]);
    expect(fs.counts.write).toBe(2);
    expect(fs.rawFile('/d/00000000000000000000.log')?.toString()).toBe('aabb');
    expect([a.writtenSize, b.writtenSize]).toEqual([4, 2]);
    await q.whenIdle();
    expect(q.idle).toBe(true);
  });

  it('fails the failed group and everything queued after it', async () => {
    const { fs, cache, q, written, errors } = await setup();
    const a = Segment.create(fs, '/d', 0, cache);
    await q.enqueue(a, Buffer.from('ok'), 0, 1);
    fs.failNextWrite();
    const bad = q.enqueue(a, Buffer.from('x'), 2, 2);
    await expect(bad).rejects.toThrow(/ENOSPC/);
    await expect(q.enqueue(a, Buffer.from('y'), 3, 3)).rejects.toThrow(/ENOSPC/);
    expect(written).toEqual([1]);
    expect(errors.length).toBe(1);
  });
});
