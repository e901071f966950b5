import { describe, expect, it } from 'vitest';
import { MemFileOps } from './fs/mem-fs.js';
import { scanBatches, lastOffsetOf } from './batch-scan.js';
import { makeBatch } from '../test/helpers.js';
import { setBaseOffset } from '@tributary/kafka-protocol';

async function fileOf(bytes: Buffer) {
  const fs = new MemFileOps();
  await fs.mkdir('/d');
  fs.setRawFile('/d/f', bytes);
  return fs.open('/d/f', 'read');
}

describe('scanBatches', () => {
  const batches = [makeBatch({ count: 2 }), makeBatch({ count: 3, valueSize: 5000 }), makeBatch()];
  let offset = 0;
  for (const b of batches) {
    setBaseOffset(b, offset);
    offset += b.readInt32BE(23) + 1;
  }
  const file = Buffer.concat(batches);

  it('visits every batch with small chunks, whole when asked', async () => {
    const h = await fileOf(file);
    const seen: Array<[number, number, number]> = [];
    const out = await scanBatches(
      h,
      0,
      file.length,
      { wholeBatch: true, chunkSize: 100 },
      (buf, at, pos, size) => {
        expect(buf.length - at).toBeGreaterThanOrEqual(size);
        seen.push([pos, size, lastOffsetOf(buf, at)]);
        return false;
      },
    );
    expect(out).toEqual({ end: file.length, stopped: false, badFraming: false });
    expect(seen.map((s) => s[2])).toEqual([1, 4, 5]);
  });

  it('stops where asked and reports a torn tail', async () => {
    const h = await fileOf(Buffer.concat([file, Buffer.alloc(70, 0xff)]));
    const stop = await scanBatches(
      h,
      0,
      file.length + 70,
      { wholeBatch: false, chunkSize: 64 },
      (buf, at) => lastOffsetOf(buf, at) >= 4,
    );
    expect(stop).toEqual({ end: batches[0].length, stopped: true, badFraming: false });
    const torn = await scanBatches(
      h,
      0,
      file.length + 70,
      { wholeBatch: false, chunkSize: 4096 },
      () => false,
    );
    expect(torn).toEqual({ end: file.length, stopped: false, badFraming: true });
  });
});
