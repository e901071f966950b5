/** The hooks tiered storage uses: closed segments to copy, snapshots per roll, guarded retention. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openPartitionLog } from './open-log.js';
import { selectSegmentsToDelete } from './cleaners/delete.js';
import { appendOne, makeBatch, smallConfig, withTempDir } from '../test/helpers.js';

describe('tiering hooks', () => {
  it('lists finalized closed segments with their files and keeps a snapshot per roll', () =>
    withTempDir(async (dir) => {
      const log = await openPartitionLog(dir, smallConfig({ segmentBytes: 1024 }));
      log.setTieredUpTo(0);
      for (let i = 0; i < 12; i++) {
        await appendOne(
          log,
          makeBatch({
            count: 2,
            valueSize: 200,
            producerId: 7,
            producerEpoch: 0,
            baseSequence: i * 2,
          }),
        );
      }
      const closed = await log.uploadableSegments();
      expect(closed.length).toBeGreaterThanOrEqual(4);
      for (let i = 0; i < closed.length; i++) {
        const s = closed[i];
        expect(s.nextOffset).toBe(i + 1 < closed.length ? closed[i + 1].baseOffset : s.nextOffset);
        expect((await readFile(s.logPath)).length).toBe(s.sizeBytes);
        expect((await readFile(s.indexPath)).length % 8).toBe(0);
        expect((await readFile(s.timeIndexPath)).length % 12).toBe(0);
        // Tiering keeps the producer state at every segment end, more than the usual two.
        expect(await log.readProducerSnapshot(s.nextOffset)).not.toBeNull();
      }
      expect(closed[closed.length - 1].nextOffset).toBeLessThanOrEqual(log.logEndOffset);
      await log.close();
    }));

  it('deletes by retention only what is copied, and everything once copied', () =>
    withTempDir(async (dir) => {
      const log = await openPartitionLog(
        dir,
        smallConfig({ segmentBytes: 1024, retentionBytes: 0 }),
      );
      log.setTieredUpTo(0);
      for (let i = 0; i < 12; i++) await appendOne(log, makeBatch({ count: 2, valueSize: 200 }));
      const closed = await log.uploadableSegments();
      await log.runMaintenance(Date.now());
      expect(log.logStartOffset).toBe(0);
      expect(log.localLogStartOffset).toBe(0);

      log.setTieredUpTo(closed[1].nextOffset);
      await log.runMaintenance(Date.now());
      expect(log.logStartOffset).toBe(closed[2].baseOffset);
      expect((await log.uploadableSegments())[0].baseOffset).toBe(closed[2].baseOffset);
      await log.close();
    }));

  it('still drops segments below the log start (DeleteRecords) whether copied or not', () => {
    const segments = [
      { baseOffset: 0, size: 100, maxTimestamp: 1, nextOffset: 10 },
      { baseOffset: 10, size: 100, maxTimestamp: 1, nextOffset: 20 },
      { baseOffset: 20, size: 100, maxTimestamp: 1, nextOffset: 30 },
    ];
    const limits = { retentionMs: 0, retentionBytes: 0, applyRetention: true, deletableBelow: 0 };
    expect(selectSegmentsToDelete(segments, limits, 1000, 0).deleteCount).toBe(0);
    expect(selectSegmentsToDelete(segments, limits, 1000, 20).deleteCount).toBe(2);
    expect(
      selectSegmentsToDelete(segments, { ...limits, deletableBelow: 10 }, 1000, 0).deleteCount,
    ).toBe(1);
  });
});
