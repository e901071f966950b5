import { describe, expect, it } from 'vitest';
import { openPartitionLog, createLogCaches } from './open-log.js';
import { MemFileOps } from './fs/mem-fs.js';
import { appendOne, makeBatch, parseBatches, smallConfig } from '../test/helpers.js';
import type { Log } from './log.js';

describe('bounded memory', () => {
  it('keeps closed-segment indexes and open files within the shared caches', async () => {
    const fs = new MemFileOps();
    const caches = createLogCaches({ indexBytes: 200, openFiles: 2 });
    const config = smallConfig({ segmentBytes: 1500, indexIntervalBytes: 100 });
    let log = await openPartitionLog('/p', config, { fs, caches });
    for (let i = 0; i < 120; i++) await appendOne(log, makeBatch({ valueSize: 150, fill: i }));
    await log.close();
    log = await openPartitionLog('/p', config, { fs, caches });
    const impl = log as Log;
    expect(impl.segments.length).toBeGreaterThan(10);
    // Only the active segment holds its index in memory.
    expect(impl.segments.filter((s) => s.offsetIndex !== null).length).toBe(1);
    let maxOpen = 0;
    let maxIndexBytes = 0;
    for (let offset = 0; offset < log.highWatermark; offset += 7) {
      const r = await log.read(offset, 200, { minOneBatch: true });
      expect(r.ok && parseBatches(r.records)[0].baseOffset).toBe(offset);
      maxOpen = Math.max(maxOpen, fs.openHandles);
      maxIndexBytes = Math.max(maxIndexBytes, caches.indexes.weight);
    }
    // Two cached read handles plus the active segment's writer (and one being replaced).
    expect(maxOpen).toBeLessThanOrEqual(4);
    expect(maxIndexBytes).toBeLessThanOrEqual(200);
    expect(caches.handles.size).toBeLessThanOrEqual(2);
    await log.close();
    await new Promise((r) => setImmediate(r));
    expect(fs.openHandles).toBe(0);
    expect(caches.indexes.size).toBe(0);
  });
});
