import { describe, expect, it } from 'vitest';
import { MemFileOps } from './fs/mem-fs.js';
import { LruCache } from './lru-cache.js';
import { Segment } from './segment.js';

function handles() {
  return new LruCache<Segment, true>(10, (seg) => seg.releaseHandle());
}

describe('Segment', () => {
  it('adds a sparse index entry once per index interval and tracks the max timestamp', () => {
    const seg = Segment.create(new MemFileOps(), '/d', 100, handles());
    let pos = 0;
    for (let i = 0; i < 10; i++) {
      const ts = i === 6 ? 5000 : 1000 + i;
      seg.trackBatch(100 + i * 2, 101 + i * 2, ts, pos, 100, 250);
      pos += 100;
    }
    // Entries go to the first batch after at least 250 bytes since the previous one.
    expect(seg.offsetIndex?.entryCount).toBe(3);
    expect(seg.offsetIndex?.lookup(7)).toBe(300);
    expect(seg.offsetIndex?.lookup(13)).toBe(600);
    expect([seg.size, seg.nextOffset, seg.maxTimestamp, seg.offsetOfMaxTimestamp]).toEqual([
      1000, 120, 5000, 112,
    ]);
    seg.sealTimeIndex();
    expect(seg.timeIndex?.lastTimestamp()).toBe(5000);
    expect(seg.timeIndex?.lastRelOffset()).toBe(12);
  });

  it('creates its file on first use, then reads, syncs and closes it', async () => {
    const fs = new MemFileOps();
    await fs.mkdir('/d');
    const seg = Segment.create(fs, '/d', 0, handles());
    await seg.sync();
    expect(await fs.readdir('/d')).toEqual([]);
    await seg.write([Buffer.from('abc'), Buffer.from('def')], 0);
    seg.writtenSize = 6;
    expect(await fs.readdir('/d')).toEqual(['00000000000000000000.log']);
    await seg.sync();
    expect(seg.syncedSize).toBe(6);
    expect(fs.counts.syncDir).toBe(1);
    expect((await seg.readAt(2, 10)).toString()).toBe('cdef');
    seg.close();
    await new Promise((r) => setImmediate(r));
    expect(fs.openHandles).toBe(0);
  });

  it('defers closing an evicted handle until the read using it finishes', async () => {
    const fs = new MemFileOps();
    await fs.mkdir('/d');
    fs.setRawFile('/d/00000000000000000000.log', Buffer.from('0123456789'));
    const cache = handles();
    const seg = new Segment(fs, '/d', 0, cache);
    seg.size = seg.writtenSize = 10;
    seg.makeEvictable();
    let inside = -1;
    await seg.use(async (h) => {
      seg.releaseHandle();
      inside = fs.openHandles;
      const buf = Buffer.alloc(3);
      await h.read(buf, 0, 3, 0);
      expect(buf.toString()).toBe('012');
    });
    await new Promise((r) => setImmediate(r));
    expect(inside).toBe(1);
    expect(fs.openHandles).toBe(0);
    // Reopened lazily on the next use.
    expect((await seg.readAt(8, 2)).toString()).toBe('89');
    expect(cache.has(seg)).toBe(true);
  });
});
