import { appendFile, readdir, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  batchCrcValid,
  ErrorCode,
  Offsets,
  readBatchHeader,
  readInt64,
} from '@tributary/kafka-protocol';
import { openPartitionLog } from './open-log.js';
import { MemFileOps } from './fs/mem-fs.js';
import type { PartitionLog } from './partition-log.js';
import {
  appendBatches,
  appendOne,
  makeBatch,
  parseBatches,
  readAll,
  smallConfig,
  withTempDir,
} from '../test/helpers.js';

async function fill(log: PartitionLog, n: number, valueSize = 100): Promise<Buffer[]> {
  const stored: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const { bytes } = await appendOne(log, makeBatch({ count: 1 + (i % 4), valueSize, fill: i }));
    stored.push(bytes);
  }
  return stored;
}

describe('partition log on the real file system', () => {
  it('reads back byte-identical batches across several segment rolls', async () => {
    await withTempDir(async (dir) => {
      const log = await openPartitionLog(join(dir, 't-0'), smallConfig());
      const stored = await fill(log, 120);
      const names = await readdir(join(dir, 't-0'));
      const logs = names.filter((n) => n.endsWith('.log'));
      expect(logs.length).toBeGreaterThan(5);
      expect(logs[0]).toBe('00000000000000000000.log');
      for (const n of logs) {
        expect((await stat(join(dir, 't-0', n))).size).toBeLessThanOrEqual(4096);
      }
      const all = await readAll(log, 0);
      expect(all.length).toBe(stored.length);
      all.forEach((b, i) => expect(b.bytes.equals(stored[i])).toBe(true));
      let expected = 0;
      for (const b of all) {
        expect(b.baseOffset).toBe(expected);
        expect(batchCrcValid(b.bytes)).toBe(true);
        expected = b.lastOffset + 1;
      }
      expect(log.logEndOffset).toBe(expected);
      expect(log.highWatermark).toBe(expected);
      await log.close();
    });
  });

  it('finds batches in the middle of segments through the index', async () => {
    await withTempDir(async (dir) => {
      const log = await openPartitionLog(dir, smallConfig());
      const stored = await fill(log, 80);
      const offsets = parseBatches(stored);
      for (const target of [3, 57, 101, offsets[offsets.length - 1].lastOffset]) {
        const r = await log.read(target, 300, { minOneBatch: true });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const first = parseBatches(r.records)[0];
        expect(first.baseOffset).toBeLessThanOrEqual(target);
        expect(first.lastOffset).toBeGreaterThanOrEqual(target);
        const original = offsets.find((b) => b.baseOffset === first.baseOffset);
        expect(original && first.bytes.equals(original.bytes)).toBe(true);
      }
      await log.close();
      // Closed segments' index files are written in the background; all exist after close().
      const indexes = (await readdir(dir)).filter((n) => n.endsWith('.index'));
      const sizes = await Promise.all(indexes.map(async (n) => (await stat(join(dir, n))).size));
      expect(sizes.some((s) => s >= 16)).toBe(true);
    });
  });

  it('recovers after the last batch is torn mid-way and after garbage is appended', async () => {
    await withTempDir(async (dir) => {
      let log = await openPartitionLog(dir, smallConfig());
      const stored = await fill(log, 30);
      const lastEnd = log.logEndOffset;
      const lastBatch = parseBatches([stored[stored.length - 1]])[0];
      // A crash that left a torn last batch: close, drop the clean-shutdown marker, tear the tail.
      await log.close();
      await unlink(join(dir, '.clean-shutdown'));
      const active = (await readdir(dir))
        .filter((n) => n.endsWith('.log'))
        .sort()
        .pop() as string;
      const size = (await stat(join(dir, active))).size;
      await truncate(join(dir, active), size - 10);
      const messages: string[] = [];
      log = await openPartitionLog(dir, smallConfig(), { logger: (m) => messages.push(m) });
      expect(log.logEndOffset).toBe(lastBatch.baseOffset);
      expect(messages.some((m) => m.includes('truncating'))).toBe(true);
      const all = await readAll(log, 0);
      expect(all.length).toBe(stored.length - 1);
      all.forEach((b, i) => expect(b.bytes.equals(stored[i])).toBe(true));
      // Re-append the lost batch: it gets the same offsets again.
      const again = await appendOne(log, makeBatch({ count: lastEnd - lastBatch.baseOffset }));
      expect(again.baseOffset).toBe(lastBatch.baseOffset);
      const end = log.logEndOffset;
      await log.close();
      const goodSize = (await stat(join(dir, active))).size;
      await unlink(join(dir, '.clean-shutdown'));
      await appendFile(
        join(dir, active),
        Buffer.from('not a record batch, just some garbage bytes'),
      );
      log = await openPartitionLog(dir, smallConfig());
      expect(log.logEndOffset).toBe(end);
      expect((await readAll(log, 0)).length).toBe(stored.length);
      expect((await stat(join(dir, active))).size).toBe(goodSize);
      await log.close();
    });
  });

  it('keeps offsets, indexes and log start across a clean close and reopen', async () => {
    await withTempDir(async (dir) => {
      let log = await openPartitionLog(dir, smallConfig());
      const stored = await fill(log, 50);
      await log.close();
      expect((await readdir(dir)).includes('.clean-shutdown')).toBe(true);
      const messages: string[] = [];
      log = await openPartitionLog(dir, smallConfig(), { logger: (m) => messages.push(m) });
      expect(messages.filter((m) => m.includes('recovering'))).toEqual([]);
      expect((await readdir(dir)).includes('.clean-shutdown')).toBe(false);
      const all = await readAll(log, 0);
      all.forEach((b, i) => expect(b.bytes.equals(stored[i])).toBe(true));
      const next = await appendOne(log, makeBatch());
      expect(next.baseOffset).toBe(all[all.length - 1].lastOffset + 1);
      const mid = await log.read(all[20].baseOffset, 100, { minOneBatch: true });
      expect(mid.ok && parseBatches(mid.records)[0].bytes.equals(stored[20])).toBe(true);
      await log.delete();
      await expect(readdir(dir)).rejects.toThrow();
    });
  });
});

describe('partition log reads', () => {
  it('honours maxBytes and minOneBatch (KIP-74)', async () => {
    const log = await openPartitionLog('/p', smallConfig(), { fs: new MemFileOps() });
    const a = await appendOne(log, makeBatch({ count: 3, valueSize: 200 }));
    await appendOne(log, makeBatch({ count: 1, valueSize: 10 }));
    const cut = await log.read(0, 50, { minOneBatch: false });
    expect(cut.ok && cut.records.length === 1 && cut.records[0].length).toBe(50);
    expect(cut.ok && cut.records[0].equals(a.bytes.subarray(0, 50))).toBe(true);
    const whole = await log.read(0, 50, { minOneBatch: true });
    expect(whole.ok && Buffer.concat(whole.records).equals(a.bytes)).toBe(true);
    const both = await log.read(1, 10_000, { minOneBatch: false });
    expect(both.ok && parseBatches(both.records).map((b) => b.baseOffset)).toEqual([0, 3]);
    await log.close();
  });

  it('reports out-of-range offsets and returns nothing at the high watermark', async () => {
    const log = await openPartitionLog('/p', smallConfig(), { fs: new MemFileOps() });
    await appendOne(log, makeBatch({ count: 5 }));
    const atEnd = await log.read(5, 1000, { minOneBatch: true });
    expect(atEnd).toMatchObject({ ok: true, records: [], highWatermark: 5, logStartOffset: 0 });
    const past = await log.read(6, 1000, { minOneBatch: true });
    expect(past).toMatchObject({ ok: false, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect(await log.read(-1, 1000, { minOneBatch: true })).toMatchObject({
      ok: false,
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
    });
    await log.close();
  });

  it('continues into the next segment when the budget allows', async () => {
    const log = await openPartitionLog('/p', smallConfig({ segmentBytes: 1000 }), {
      fs: new MemFileOps(),
    });
    for (let i = 0; i < 6; i++) await appendOne(log, makeBatch({ valueSize: 300 }));
    const r = await log.read(0, 100_000, { minOneBatch: false });
    expect(r.ok && r.records.length).toBeGreaterThan(1);
    expect(r.ok && parseBatches(r.records).map((b) => b.baseOffset)).toEqual([0, 1, 2, 3, 4, 5]);
    await log.close();
  });

  it('uses the sparse index: a read in the middle of a large segment scans little', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', smallConfig({ segmentBytes: 1 << 20 }), { fs });
    await fill(log, 400, 50);
    const before = fs.counts.read;
    const r = await log.read(500, 100, { minOneBatch: true });
    expect(r.ok && parseBatches(r.records)[0].lastOffset).toBeGreaterThanOrEqual(500);
    expect(fs.counts.read - before).toBeLessThanOrEqual(2);
    await log.close();
  });
});

describe('partition log appends', () => {
  it('stamps LogAppendTime batches and keeps their CRC valid', async () => {
    const log = await openPartitionLog(
      '/p',
      smallConfig({ messageTimestampType: 'LogAppendTime' }),
      {
        fs: new MemFileOps(),
      },
    );
    const r = appendBatches(log, [makeBatch({ count: 2, timestamp: 5 })], 777_000);
    expect(r).toMatchObject({ ok: true, logAppendTime: 777_000 });
    if (r.ok) await r.written;
    const read = await log.read(0, 1000, { minOneBatch: true });
    const b = read.ok ? read.records[0] : Buffer.alloc(0);
    expect(readBatchHeader(b).maxTimestamp).toBe(777_000);
    expect(readBatchHeader(b).attributes & 0x08).toBe(0x08);
    expect(batchCrcValid(b)).toBe(true);
    await log.close();
  });

  it('rejects batches above max.message.bytes', async () => {
    const log = await openPartitionLog('/p', smallConfig({ maxMessageBytes: 200 }), {
      fs: new MemFileOps(),
    });
    const r = appendBatches(log, [makeBatch({ valueSize: 500 })]);
    expect(r).toMatchObject({ ok: false, errorCode: ErrorCode.MESSAGE_TOO_LARGE });
    expect(log.logEndOffset).toBe(0);
    await log.close();
  });

  it('assigns offsets synchronously, in call order, across batches of one request', async () => {
    const log = await openPartitionLog('/p', smallConfig(), { fs: new MemFileOps() });
    const r1 = appendBatches(log, [makeBatch({ count: 2 }), makeBatch({ count: 3 })]);
    const r2 = appendBatches(log, [makeBatch({ count: 1 })]);
    expect(r1).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 4 });
    expect(r2).toMatchObject({ ok: true, baseOffset: 5, lastOffset: 5 });
    expect(log.logEndOffset).toBe(6);
    expect(log.highWatermark).toBe(0);
    if (r2.ok) await r2.written;
    expect(log.highWatermark).toBe(6);
    await log.close();
  });

  it('coalesces appends of one tick into one write', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', smallConfig({ segmentBytes: 1 << 20 }), { fs });
    const before = fs.counts.write;
    const results = Array.from({ length: 50 }, () => appendBatches(log, [makeBatch()]));
    await Promise.all(results.map((r) => (r.ok ? r.written : Promise.reject(new Error('append')))));
    expect(fs.counts.write - before).toBe(1);
    await log.close();
  });

  it('rolls on segment.ms measured from the first batch of the segment', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog(
      '/p',
      smallConfig({ segmentBytes: 1 << 20, segmentMs: 1000 }),
      {
        fs,
      },
    );
    await appendOne(log, makeBatch(), 10_000);
    await appendOne(log, makeBatch(), 10_900);
    await appendOne(log, makeBatch(), 11_001);
    await log.close();
    const logs = (await fs.readdir('/p')).filter((n) => n.endsWith('.log'));
    expect(logs).toEqual(['00000000000000000000.log', '00000000000000000002.log']);
  });
});

describe('timestamps', () => {
  it('finds the first record at or after a timestamp and the max timestamp', async () => {
    const log = await openPartitionLog('/p', smallConfig(), { fs: new MemFileOps() });
    for (let i = 0; i < 60; i++) {
      // Batch i holds records with timestamps 1000*i + 0..2; batch 40 carries the max.
      const ts = i === 40 ? 1_000_000 : 1000 * i;
      await appendOne(log, makeBatch({ count: 3, timestamp: ts }));
    }
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 0 });
    expect(await log.offsetForTimestamp(5001)).toEqual({ offset: 16, timestamp: 5001 });
    expect(await log.offsetForTimestamp(5003)).toEqual({ offset: 18, timestamp: 6000 });
    expect(await log.offsetForTimestamp(45_000)).toEqual({ offset: 120, timestamp: 1_000_000 });
    expect(await log.offsetForTimestamp(2_000_000)).toBeNull();
    expect(await log.maxTimestampOffset()).toEqual({ offset: 122, timestamp: 1_000_002 });
    await log.close();
  });
});

describe('durability with an injectable file system', () => {
  it('shares fsyncs between concurrent flushes (group commit)', async () => {
    const fs = new MemFileOps();
    fs.syncDelayMs = 5;
    const log = await openPartitionLog('/p', smallConfig({ segmentBytes: 1 << 20 }), { fs });
    const before = fs.counts.sync;
    const acks: Array<Promise<void>> = [];
    for (let i = 0; i < 200; i++) {
      const r = appendBatches(log, [makeBatch()]);
      if (!r.ok) throw new Error('append');
      acks.push(log.flush(r.lastOffset + 1));
      if (i % 20 === 0) await new Promise((res) => setImmediate(res));
    }
    await Promise.all(acks);
    const syncs = fs.counts.sync - before;
    expect(syncs).toBeGreaterThan(0);
    expect(syncs).toBeLessThan(20);
    // Everything acknowledged survives a power cut.
    const end = log.logEndOffset;
    const reopened = await openPartitionLog('/p', smallConfig(), { fs: fs.crash() });
    expect(reopened.logEndOffset).toBe(end);
    await reopened.close();
  });

  it('fsyncs a rolled segment before a later flush resolves', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', smallConfig({ segmentBytes: 500 }), { fs });
    const results = Array.from({ length: 10 }, () =>
      appendBatches(log, [makeBatch({ valueSize: 200 })]),
    );
    const last = results[results.length - 1];
    if (!last.ok) throw new Error('append');
    await log.flush(last.lastOffset + 1);
    const crashed = fs.crash();
    const reopened = await openPartitionLog('/p', smallConfig({ segmentBytes: 500 }), {
      fs: crashed,
    });
    expect(reopened.logEndOffset).toBe(10);
    expect((await readAll(reopened, 0)).length).toBe(10);
    await reopened.close();
  });

  it('reports a failed write and loses nothing acknowledged', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', smallConfig(), { fs });
    await appendOne(log, makeBatch({ count: 2 }));
    await log.flush(2);
    fs.failNextWrite();
    const r = appendBatches(log, [makeBatch()]);
    if (!r.ok) throw new Error('append');
    await expect(r.written).rejects.toThrow(/ENOSPC/);
    await expect(log.flush(3)).rejects.toThrow();
    expect(log.highWatermark).toBe(2);
    expect(appendBatches(log, [makeBatch()])).toMatchObject({
      ok: false,
      errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
    });
    await log.close();
    const reopened = await openPartitionLog('/p', smallConfig(), { fs: fs.crash() });
    expect(reopened.logEndOffset).toBe(2);
    await reopened.close();
  });

  it('reports a failed fsync to every waiting flush and keeps earlier acknowledged data', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', smallConfig(), { fs });
    await appendOne(log, makeBatch({ count: 4 }));
    await log.flush(4);
    fs.failNextSync();
    const r = appendBatches(log, [makeBatch()]);
    if (!r.ok) throw new Error('append');
    const flushes = [log.flush(5), log.flush(5)];
    for (const f of flushes) await expect(f).rejects.toThrow(/fsync/);
    expect(appendBatches(log, [makeBatch()]).ok).toBe(false);
    const reopened = await openPartitionLog('/p', smallConfig(), { fs: fs.crash() });
    expect(reopened.logEndOffset).toBe(4);
    await reopened.close();
  });

  it('keeps every fsynced batch at its offset after a crash with a torn unsynced tail', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', smallConfig({ segmentBytes: 2000 }), { fs });
    const stored = await fill(log, 25);
    await log.flush(log.logEndOffset);
    const durable = log.logEndOffset;
    for (let i = 0; i < 5; i++) appendBatches(log, [makeBatch({ valueSize: 90 })]);
    await new Promise((res) => setTimeout(res, 5));
    const reopened = await openPartitionLog('/p', smallConfig({ segmentBytes: 2000 }), {
      fs: fs.crash({ tornBytes: 130 }),
    });
    expect(reopened.logEndOffset).toBeGreaterThanOrEqual(durable);
    const all = await readAll(reopened, 0);
    stored.forEach((b, i) => expect(all[i].bytes.equals(b)).toBe(true));
    for (const b of all) expect(batchCrcValid(b.bytes)).toBe(true);
    expect(readInt64(all[all.length - 1].bytes, Offsets.baseOffset)).toBeLessThan(
      reopened.logEndOffset,
    );
    await reopened.close();
  });
});
