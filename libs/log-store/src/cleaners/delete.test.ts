import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tributary/kafka-protocol';
import { selectSegmentsToDelete, type RetentionSegment } from './delete.js';
import { openPartitionLog } from '../open-log.js';
import { MemFileOps } from '../fs/mem-fs.js';
import { checkpointFile } from '../file-names.js';
import { appendOne, makeBatch, readAll, smallConfig } from '../../test/helpers.js';

const seg = (
  baseOffset: number,
  size: number,
  maxTimestamp: number,
  nextOffset: number,
): RetentionSegment => ({
  baseOffset,
  size,
  maxTimestamp,
  nextOffset,
});

describe('selectSegmentsToDelete', () => {
  const segments = [
    seg(0, 100, 10, 10),
    seg(10, 100, 20, 20),
    seg(20, 100, 30, 30),
    seg(30, 50, 40, 35),
  ];
  const limits = { retentionMs: -1, retentionBytes: -1, applyRetention: true };

  it('deletes nothing without limits', () => {
    expect(selectSegmentsToDelete(segments, limits, 1000, 0)).toEqual({
      deleteCount: 0,
      rollActive: false,
    });
  });

  it('deletes the oldest segments while the rest still reaches retention.bytes', () => {
    expect(
      selectSegmentsToDelete(segments, { ...limits, retentionBytes: 150 }, 0, 0).deleteCount,
    ).toBe(2);
    expect(
      selectSegmentsToDelete(segments, { ...limits, retentionBytes: 149 }, 0, 0).deleteCount,
    ).toBe(2);
    expect(selectSegmentsToDelete(segments, { ...limits, retentionBytes: 0 }, 0, 0)).toEqual({
      deleteCount: 3,
      rollActive: false,
    });
  });

  it('deletes by age up to the first young segment, rolling an expired active segment', () => {
    expect(
      selectSegmentsToDelete(segments, { ...limits, retentionMs: 100 }, 125, 0).deleteCount,
    ).toBe(2);
    expect(selectSegmentsToDelete(segments, { ...limits, retentionMs: 100 }, 1000, 0)).toEqual({
      deleteCount: 4,
      rollActive: true,
    });
    const noTimestamp = [seg(0, 100, -1, 10), seg(10, 100, 5, 20)];
    expect(
      selectSegmentsToDelete(noTimestamp, { ...limits, retentionMs: 1 }, 1000, 0).deleteCount,
    ).toBe(0);
  });

  it('deletes segments entirely below the log start even without retention', () => {
    const off = { ...limits, applyRetention: false, retentionBytes: 0 };
    expect(selectSegmentsToDelete(segments, off, 0, 25).deleteCount).toBe(2);
    expect(selectSegmentsToDelete(segments, off, 0, 35)).toEqual({
      deleteCount: 4,
      rollActive: true,
    });
  });
});

describe('retention on a log', () => {
  async function filled(config = smallConfig()) {
    const fs = new MemFileOps();
    const log = await openPartitionLog('/p', config, { fs, now: () => 0 });
    for (let i = 0; i < 40; i++)
      await appendOne(log, makeBatch({ valueSize: 200, timestamp: 1000 * i }));
    return { fs, log };
  }

  it('applies retention.bytes and persists the new log start', async () => {
    const { fs, log } = await filled(smallConfig({ retentionBytes: 5000 }));
    const before = log.sizeBytes;
    await log.runMaintenance(50_000);
    expect(log.sizeBytes).toBeLessThan(before);
    expect(log.logStartOffset).toBeGreaterThan(0);
    const logs = (await fs.readdir('/p')).filter((n) => n.endsWith('.log'));
    expect(Number(logs[0].slice(0, 20))).toBe(log.logStartOffset);
    expect(await log.read(0, 100, { minOneBatch: true })).toMatchObject({
      ok: false,
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
    });
    const all = await readAll(log);
    expect(all[0].baseOffset).toBe(log.logStartOffset);
    const start = log.logStartOffset;
    await log.close();
    expect((fs.rawFile(checkpointFile('/p', 'log-start-offset')) as Buffer).toString()).toBe(
      `0\n${start}\n`,
    );
    const reopened = await openPartitionLog('/p', smallConfig(), { fs });
    expect(reopened.logStartOffset).toBe(start);
    await reopened.close();
  });

  it('applies retention.ms, rolling and deleting an expired active segment', async () => {
    const { fs, log } = await filled(smallConfig({ retentionMs: 10_000 }));
    await log.runMaintenance(30_500);
    const after = (await readAll(log))[0].baseOffset;
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(40);
    await log.runMaintenance(1_000_000);
    expect(log.logStartOffset).toBe(40);
    expect(log.logEndOffset).toBe(40);
    const next = await appendOne(log, makeBatch());
    expect(next.baseOffset).toBe(40);
    await log.close();
    expect((await fs.readdir('/p')).filter((n) => n.endsWith('.log'))).toEqual([
      '00000000000000000040.log',
    ]);
  });

  it('leaves the data alone with cleanup.policy=compact and retention limits', async () => {
    const { log } = await filled(
      smallConfig({ retentionBytes: 10, cleanupPolicy: 'compact', minCleanableDirtyRatio: 1.1 }),
    );
    await log.runMaintenance(1_000_000);
    expect(log.logStartOffset).toBe(0);
    await log.close();
  });

  it('deleteRecordsBefore moves the log start (clamped to the high watermark) and drops whole segments', async () => {
    const { fs, log } = await filled();
    const segmentsBefore = (await fs.readdir('/p')).filter((n) => n.endsWith('.log')).length;
    expect(await log.deleteRecordsBefore(17)).toBe(17);
    expect(log.logStartOffset).toBe(17);
    expect(await log.read(16, 100, { minOneBatch: true })).toMatchObject({
      ok: false,
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
    });
    const r = await log.read(17, 100, { minOneBatch: true });
    expect(r.ok).toBe(true);
    const segmentsAfter = (await fs.readdir('/p')).filter((n) => n.endsWith('.log'));
    expect(segmentsAfter.length).toBeLessThan(segmentsBefore);
    expect(Number(segmentsAfter[0].slice(0, 20))).toBeLessThanOrEqual(17);
    expect(await log.deleteRecordsBefore(10_000)).toBe(40);
    expect(await log.deleteRecordsBefore(5)).toBe(40);
    await log.close();
    const reopened = await openPartitionLog('/p', smallConfig(), { fs });
    expect(reopened.logStartOffset).toBe(40);
    expect(await reopened.read(39, 100, { minOneBatch: true })).toMatchObject({ ok: false });
    await reopened.close();
  });
});
