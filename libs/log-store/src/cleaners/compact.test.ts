import { describe, expect, it } from 'vitest';
import {
  CompressionCodec,
  decodeRecords,
  readBatchHeader,
  batchCrcValid,
} from '@tributary/kafka-protocol';
import { openPartitionLog } from '../open-log.js';
import { MemFileOps } from '../fs/mem-fs.js';
import type { LogConfig, PartitionLog } from '../partition-log.js';
import { appendOne, makeBatch, readAll, smallConfig } from '../../test/helpers.js';

interface Rec {
  offset: number;
  key: string | null;
  value: string | null;
}

async function records(log: PartitionLog): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const b of await readAll(log)) {
    expect(batchCrcValid(b.bytes)).toBe(true);
    for (const r of decodeRecords(b.bytes)) {
      out.push({
        offset: b.baseOffset + r.offsetDelta,
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
      });
    }
  }
  return out;
}

const compactConfig = (overrides: Partial<LogConfig> = {}): LogConfig =>
  smallConfig({
    cleanupPolicy: 'compact',
    minCleanableDirtyRatio: 0,
    segmentBytes: 600,
    deleteRetentionMs: 1000,
    ...overrides,
  });

/**
 * Keys k0..k4 round-robin with values v<i>, one record per batch; the last k1 record is a
 * tombstone. Then filler batches push all of it out of the active segment.
 */
async function fillKeys(log: PartitionLog, n: number, timestamp = 0): Promise<void> {
  let lastK1 = 1;
  while (lastK1 + 5 < n) lastK1 += 5;
  for (let i = 0; i < n; i++) {
    const value = i === lastK1 ? null : `v${i}`;
    await appendOne(log, makeBatch({ keys: [`k${i % 5}`], values: [value], timestamp }), timestamp);
  }
  for (let i = 0; i < 8; i++) {
    await appendOne(log, makeBatch({ keys: ['filler'], values: [`f${i}`], timestamp }), timestamp);
  }
}

describe('compaction', () => {
  it('keeps the latest record per key at its original offset', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', compactConfig(), { fs });
    await fillKeys(log, 40);
    const before = await records(log);
    const sizeBefore = log.sizeBytes;
    await log.runMaintenance(500);
    const after = await records(log);
    expect(log.sizeBytes).toBeLessThan(sizeBefore);
    // Every surviving record is unchanged and at its original offset.
    for (const r of after) expect(before).toContainEqual(r);
    // Closed segments hold no key twice; the active segment is untouched.
    const keys = new Map<string, number>();
    for (const r of after) if (r.key) keys.set(r.key, (keys.get(r.key) ?? 0) + 1);
    for (const k of ['k0', 'k1', 'k2', 'k3', 'k4']) expect(keys.get(k)).toBe(1);
    const latest = new Map(before.filter((r) => r.key).map((r) => [r.key, r.offset]));
    for (const [key, offset] of latest)
      expect(after.find((r) => r.offset === offset)?.key).toBe(key);
    expect(after.length).toBeLessThan(before.length / 2);
    // The tombstone is recent (deleteRetentionMs not passed): it stays.
    expect(after.some((r) => r.offset === 36 && r.key === 'k1' && r.value === null)).toBe(true);
    expect(log.logEndOffset).toBe(48);
    // Reads from any offset, including removed ones, land on the next surviving batch.
    const r = await log.read(3, 1000, { minOneBatch: true });
    expect(r.ok && r.records.length).toBeGreaterThan(0);
    await log.close();
    const reopened = await openPartitionLog('/p', compactConfig(), { fs });
    expect(await records(reopened)).toEqual(after);
    await reopened.close();
  });

  it('removes tombstones once deleteRetentionMs has passed and drops null keys', async () => {
    const log = await openPartitionLog('/p', compactConfig(), { fs: new MemFileOps() });
    await appendOne(log, makeBatch({ keys: [null], values: ['no key'], timestamp: 100 }));
    await fillKeys(log, 24, 100);
    const before = await records(log);
    expect(before.some((r) => r.key === null)).toBe(true);
    expect(before.some((r) => r.key === 'k1' && r.value === null)).toBe(true);
    await log.runMaintenance(100 + 5000);
    const after = await records(log);
    expect(after.some((r) => r.key === 'k1')).toBe(false);
    expect(after.some((r) => r.value === null)).toBe(false);
    expect(after.some((r) => r.key === null)).toBe(false);
    expect(after.filter((r) => r.key === 'k0').map((r) => r.offset)).toEqual([21]);
    await log.close();
  });

  it('rewrites compressed batches uncompressed, keeping offsets, timestamps and producer fields', async () => {
    const log = await openPartitionLog('/p', compactConfig({ segmentBytes: 400 }), {
      fs: new MemFileOps(),
    });
    const spec = {
      keys: ['a', 'b', 'a'],
      values: ['1', '2', '3'],
      codec: CompressionCodec.Gzip,
      timestamp: 77,
    };
    await appendOne(log, makeBatch({ ...spec, producerId: 5, producerEpoch: 1, baseSequence: 0 }));
    for (let i = 0; i < 6; i++) {
      await appendOne(log, makeBatch({ keys: ['c'], values: [`${i}`.repeat(100)], timestamp: 77 }));
    }
    await log.runMaintenance(1000);
    const first = (await readAll(log))[0];
    const h = readBatchHeader(first.bytes);
    expect(h.attributes & 7).toBe(CompressionCodec.None);
    expect([
      h.baseOffset,
      h.lastOffsetDelta,
      h.producerId,
      h.producerEpoch,
      h.baseSequence,
    ]).toEqual([0, 2, 5, 1, 0]);
    expect(h.baseTimestamp).toBe(77);
    expect(decodeRecords(first.bytes).map((r) => [r.offsetDelta, r.key?.toString()])).toEqual([
      [1, 'b'],
      [2, 'a'],
    ]);
    // The producer's newest batch survives, so a retry is still detected.
    const again = makeBatch({ ...spec, producerId: 5, producerEpoch: 1, baseSequence: 0 });
    const retry = log.append({
      records: again,
      batches: [{ start: 0, size: again.length }],
      now: 1,
    });
    expect(retry).toMatchObject({ ok: true, duplicate: true, baseOffset: 0 });
    await log.close();
  });

  it('skips segments younger than minCompactionLagMs and clean logs below the dirty ratio', async () => {
    const log = await openPartitionLog('/p', compactConfig({ minCompactionLagMs: 10_000 }), {
      fs: new MemFileOps(),
    });
    await fillKeys(log, 30, 1000);
    const before = await records(log);
    await log.runMaintenance(5000);
    expect(await records(log)).toEqual(before);
    log.setConfig(compactConfig({ minCleanableDirtyRatio: 0.5 }));
    await log.runMaintenance(20_000);
    const once = await records(log);
    expect(once.length).toBeLessThan(before.length);
    // Nothing new is dirty: a second pass changes nothing.
    await log.runMaintenance(20_000);
    expect(await records(log)).toEqual(once);
    await log.close();
  });

  it('runs alongside appends and reads without disturbing them', async () => {
    const log = await openPartitionLog('/p', compactConfig(), { fs: new MemFileOps() });
    await fillKeys(log, 60);
    const pass = log.runMaintenance(500);
    const reads: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      const r = log.append({
        records: makeBatch({ keys: [`new${i}`], values: ['x'] }),
        batches: [{ start: 0, size: makeBatch({ keys: [`new${i}`], values: ['x'] }).length }],
        now: 0,
      });
      expect(r).toMatchObject({ ok: true, baseOffset: 68 + i });
      reads.push(log.read(i * 3, 500, { minOneBatch: true }));
      await new Promise((res) => setImmediate(res));
    }
    await pass;
    for (const r of await Promise.all(reads)) expect(r).toMatchObject({ ok: true });
    const after = await records(log);
    expect(after.filter((r) => r.key?.startsWith('new')).length).toBe(20);
    expect(after[after.length - 1].offset).toBe(87);
    const offsets = after.map((r) => r.offset);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    await log.close();
  });

  it('recovers a compaction interrupted after the swap files were written', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', compactConfig(), { fs });
    await fillKeys(log, 40);
    await log.flush(log.logEndOffset);
    const before = await records(log);
    // The old segment files cannot be removed: the pass stops with `.swap` files on disk.
    fs.failNext('unlink', { pathMatch: /0\.log$/ });
    await expect(log.runMaintenance(500)).rejects.toThrow(/injected/);
    expect((await fs.readdir('/p')).some((n) => n.endsWith('.log.swap'))).toBe(true);
    const crashed = fs.crash();
    const reopened = await openPartitionLog('/p', compactConfig(), { fs: crashed });
    expect((await crashed.readdir('/p')).filter((n) => n.includes('.swap'))).toEqual([]);
    const after = await records(reopened);
    expect(after.length).toBeLessThan(before.length);
    for (const r of after) expect(before).toContainEqual(r);
    const latest = new Map(before.filter((r) => r.key).map((r) => [r.key, r.offset]));
    for (const [key, offset] of latest)
      expect(after.find((r) => r.offset === offset)?.key).toBe(key);
    expect(reopened.logEndOffset).toBe(48);
    await reopened.close();
  });

  it('rolls back a compaction interrupted while writing its output', async () => {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', compactConfig(), { fs });
    await fillKeys(log, 40);
    await log.flush(log.logEndOffset);
    const before = await records(log);
    fs.failNext('writeFile', { pathMatch: /timeindex\.cleaned$/ });
    await expect(log.runMaintenance(500)).rejects.toThrow(/injected/);
    // The log stays usable and unchanged.
    expect(await records(log)).toEqual(before);
    expect((await fs.readdir('/p')).some((n) => n.includes('.cleaned'))).toBe(false);
    await appendOne(log, makeBatch({ keys: ['k9'], values: ['x'] }));
    await log.close();
    const reopened = await openPartitionLog('/p', compactConfig(), { fs });
    expect((await records(reopened)).length).toBe(before.length + 1);
    await reopened.close();
  });
});
