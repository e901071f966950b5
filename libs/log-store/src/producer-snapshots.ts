/**
 * Producer-state snapshot files: `<offset>.snapshot` holds the state of every batch below
 * `offset`. Written at segment roll and on close; on open the newest valid snapshot not past the
 * log end is loaded and the batches after it are replayed from the segments.
 */
import { Offsets, readInt64 } from '@tributary/kafka-protocol';
import { writeFileAtomic, type FileOps } from './fs/file-ops.js';
import { parseFileName, snapshotFile } from './file-names.js';
import { lastSequence, type ProducerStateManager } from './producer-state.js';
import { scanBatches } from './batch-scan.js';
import type { Segment } from './segment.js';

/** Snapshots kept besides the newest (older ones are useless once a newer one is durable). */
const SNAPSHOTS_KEPT = 2;

async function listSnapshots(fs: FileOps, dir: string): Promise<number[]> {
  const offsets: number[] = [];
  for (const name of await fs.readdir(dir)) {
    const parsed = parseFileName(name);
    if (parsed.type === 'snapshot') offsets.push(parsed.offset);
  }
  return offsets.sort((a, b) => b - a);
}

/** Writes a snapshot and prunes old ones, except those above `keepFrom` (not yet tiered). */
export async function writeSnapshot(
  fs: FileOps,
  dir: string,
  offset: number,
  data: Buffer,
  keepFrom = Number.MAX_SAFE_INTEGER,
): Promise<void> {
  await writeFileAtomic(fs, dir, snapshotFile(dir, offset), data);
  const all = await listSnapshots(fs, dir);
  for (const old of all.slice(SNAPSHOTS_KEPT)) {
    if (old <= keepFrom) await fs.unlink(snapshotFile(dir, old));
  }
}

/**
 * Rebuilds `state` for the log [logStartOffset, logEndOffset): newest usable snapshot, then a
 * header-only replay of the batches after it. Snapshots past the log end (the tail was lost in
 * a crash) and corrupt ones are deleted.
 */
export async function loadProducerState(
  fs: FileOps,
  dir: string,
  segments: readonly Segment[],
  logStartOffset: number,
  logEndOffset: number,
  state: ProducerStateManager,
  logger: (msg: string) => void,
): Promise<void> {
  let from = -1;
  for (const offset of await listSnapshots(fs, dir)) {
    const path = snapshotFile(dir, offset);
    if (from < 0 && offset <= logEndOffset) {
      const data = await fs.readFile(path);
      if (data && state.loadSnapshot(data)) {
        from = offset;
        continue;
      }
      logger(`${dir}: ignoring corrupt producer snapshot ${path}`);
    }
    if (from < 0 || offset > logEndOffset) await fs.unlink(path);
  }
  if (from < 0) {
    state.clear();
    from = logStartOffset;
  }
  for (const seg of segments) {
    if (seg.nextOffset <= from || seg.size === 0) continue;
    await seg.use((h) =>
      scanBatches(h, 0, seg.size, { wholeBatch: false, chunkSize: 1 << 16 }, (buf, at) => {
        const producerId = readInt64(buf, at + Offsets.producerId);
        const base = readInt64(buf, at);
        const delta = buf.readInt32BE(at + Offsets.lastOffsetDelta);
        if (producerId < 0 || base + delta < from) return false;
        const baseSeq = buf.readInt32BE(at + Offsets.baseSequence);
        state.record(
          producerId,
          buf.readInt16BE(at + Offsets.producerEpoch),
          {
            firstSeq: baseSeq,
            lastSeq: lastSequence(baseSeq, delta),
            firstOffset: base,
            lastOffset: base + delta,
          },
          readInt64(buf, at + Offsets.maxTimestamp),
        );
        return false;
      }),
    );
  }
  state.truncateHead(logStartOffset);
}
