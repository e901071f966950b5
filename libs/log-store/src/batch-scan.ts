/**
 * Walks the record batches of a segment file by their headers, reading the file in chunks.
 * Used by the read path (short scan after an index lookup), recovery (full scan with CRC
 * checks) and rebuilding producer state. No per-batch objects: the visitor reads header fields
 * straight out of the chunk buffer (which is reused: copy anything you keep).
 */
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, Offsets } from '@tributary/kafka-protocol';
import { readFully, type FileHandle } from './fs/file-ops.js';

export interface ScanOutcome {
  /** Position right after the last batch visited without stopping (where a stop happened, that batch's start). */
  end: number;
  /** True when the visitor asked to stop. */
  stopped: boolean;
  /** True when the bytes at `end` (before `to`) do not frame a batch: a torn or garbage tail. */
  badFraming: boolean;
}

export interface ScanOptions {
  /** The visitor needs the whole batch in the buffer, not just its 61-byte header. */
  wholeBatch: boolean;
  chunkSize: number;
}

/**
 * Returns true to stop the scan at this batch. `at` is the batch start within `buf`. An async
 * visitor (compaction) is awaited before the buffer is refilled.
 */
export type BatchVisitor = (
  buf: Buffer,
  at: number,
  position: number,
  size: number,
) => boolean | Promise<boolean>;

export async function scanBatches(
  handle: FileHandle,
  from: number,
  to: number,
  options: ScanOptions,
  visit: BatchVisitor,
): Promise<ScanOutcome> {
  let buf = Buffer.allocUnsafe(Math.max(BATCH_HEADER_SIZE, Math.min(options.chunkSize, to - from)));
  let bufStart = from;
  let bufLen = 0;
  const fill = async (pos: number, want: number): Promise<void> => {
    if (want > buf.length) buf = Buffer.allocUnsafe(want);
    const len = Math.min(Math.max(want, Math.min(buf.length, to - pos)), buf.length);
    bufStart = pos;
    bufLen = await readFully(handle, buf, 0, len, pos);
  };
  let pos = from;
  while (pos < to) {
    if (to - pos < BATCH_HEADER_SIZE) return { end: pos, stopped: false, badFraming: true };
    if (pos + BATCH_HEADER_SIZE > bufStart + bufLen || pos < bufStart) {
      await fill(pos, BATCH_HEADER_SIZE);
      if (bufLen < BATCH_HEADER_SIZE) return { end: pos, stopped: false, badFraming: true };
    }
    const size = buf.readInt32BE(pos - bufStart + Offsets.batchLength) + BATCH_LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > to) {
      return { end: pos, stopped: false, badFraming: true };
    }
    if (options.wholeBatch && pos + size > bufStart + bufLen) {
      await fill(pos, size);
      if (bufLen < size) return { end: pos, stopped: false, badFraming: true };
    }
    let stop = visit(buf, pos - bufStart, pos, size);
    if (typeof stop !== 'boolean') stop = await stop;
    if (stop) return { end: pos, stopped: true, badFraming: false };
    pos += size;
  }
  return { end: pos, stopped: false, badFraming: false };
}

/** Last offset of the batch whose header starts at `at`. */
export function lastOffsetOf(buf: Buffer, at: number): number {
  const base = buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
  return base + buf.readInt32BE(at + Offsets.lastOffsetDelta);
}
