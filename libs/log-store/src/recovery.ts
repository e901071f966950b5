/**
 * Opening a partition directory: finish or roll back interrupted compactions, delete orphan
 * files, load segments and recover the ones that may hold unsynced data.
 *
 * - `.cleaned` files are compaction output that never got swapped in: deleted.
 * - `<base>.log.swap` is compaction output ready to replace the segments whose base offsets
 *   fall in [base, next offset of the swap file): those are deleted and the swap renamed into
 *   place (its indexes are rebuilt). Index `.swap` files without a `.log.swap` are deleted.
 * - index files without a `.log`, `*.tmp` and `*.deleted` files are deleted.
 * - After a clean shutdown (marker file) segments are loaded from their index files. Otherwise
 *   every segment at or after the recovery point is scanned batch by batch (framing, magic,
 *   CRC-32C, increasing offsets); the file is truncated at the first invalid or torn batch, its
 *   indexes rebuilt, and any later segment deleted (its data no longer follows on).
 */
import {
  batchCrcValid,
  CURRENT_MAGIC,
  Offsets,
  readBatchHeader,
  readInt64,
} from '@tributary/kafka-protocol';
import { readFully, type FileOps } from './fs/file-ops.js';
import { entryPath, parseFileName, segmentFile } from './file-names.js';
import { deleteSegmentFiles, Segment, type HandleCache } from './segment.js';
import { OffsetIndex, OFFSET_ENTRY_SIZE } from './offset-index.js';
import { TimeIndex, TIME_ENTRY_SIZE } from './time-index.js';
import { lastOffsetOf, scanBatches } from './batch-scan.js';

const INT32_MAX = 0x7fff_ffff;
const RECOVERY_CHUNK = 1 << 20;

export interface RecoveryContext {
  fs: FileOps;
  dir: string;
  indexIntervalBytes: number;
  handles: HandleCache;
  logger: (msg: string) => void;
  cleanShutdown: boolean;
  /** Segments ending at or below this offset were fsynced with valid index files. */
  recoveryPoint: number;
}

/** Loads the segments of `dir`, oldest first; the last one is open for appends. */
export async function loadSegments(ctx: RecoveryContext): Promise<Segment[]> {
  const { fs, dir } = ctx;
  const logs = new Set<number>();
  const swapLogs: number[] = [];
  const indexNames: Array<{ base: number; name: string; swap: boolean }> = [];
  for (const name of await fs.readdir(dir)) {
    const parsed = parseFileName(name);
    if (parsed.type === 'temp') await fs.unlink(entryPath(dir, name));
    if (parsed.type !== 'segment') continue;
    if (parsed.suffix === '.cleaned') {
      ctx.logger(`${dir}: removing unfinished compaction output ${name}`);
      await fs.unlink(entryPath(dir, name));
    } else if (parsed.kind === 'log' && parsed.suffix === '.swap') {
      swapLogs.push(parsed.baseOffset);
    } else if (parsed.kind === 'log') {
      logs.add(parsed.baseOffset);
    } else {
      indexNames.push({ base: parsed.baseOffset, name, swap: parsed.suffix === '.swap' });
    }
  }

  const rebuild = new Set<number>();
  for (const base of swapLogs.sort((a, b) => a - b)) {
    const next = await nextOffsetOfFile(fs, segmentFile(dir, base, 'log', '.swap'), base);
    for (const b of [...logs]) {
      if (b === base || (b > base && b < next)) {
        await deleteSegmentFiles(fs, dir, b);
        logs.delete(b);
      }
    }
    await fs.rename(segmentFile(dir, base, 'log', '.swap'), segmentFile(dir, base, 'log'));
    ctx.logger(`${dir}: completed interrupted compaction swap at ${base}`);
    logs.add(base);
    rebuild.add(base);
  }
  for (const { base, name, swap } of indexNames) {
    if (swap || !logs.has(base) || rebuild.has(base)) await fs.unlink(entryPath(dir, name));
  }
  await fs.syncDir(dir);

  const bases = [...logs].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const seg = new Segment(fs, dir, bases[i], ctx.handles);
    const nextBase = i + 1 < bases.length ? bases[i + 1] : undefined;
    const isLast = nextBase === undefined;
    const mustScan =
      rebuild.has(seg.baseOffset) ||
      (!ctx.cleanShutdown && (nextBase === undefined || nextBase > ctx.recoveryPoint));
    const loaded =
      !mustScan && (isLast ? await loadActive(ctx, seg) : await loadClosed(ctx, seg, nextBase));
    let truncated = false;
    if (!loaded) truncated = await recoverSegment(ctx, seg);
    segments.push(seg);
    // A scanned segment ending before the next base lost its tail (compacted segments, which
    // may end early, are below the recovery point and not scanned): later ones hold nothing
    // acknowledged, since the writer fills segments strictly in order.
    const incomplete =
      !loaded && !rebuild.has(seg.baseOffset) && !isLast && seg.nextOffset < nextBase;
    if ((truncated || incomplete) && !isLast) {
      for (const later of bases.slice(i + 1)) {
        ctx.logger(
          `${dir}: deleting segment ${later} after the truncated segment ${seg.baseOffset}`,
        );
        await deleteSegmentFiles(fs, dir, later);
      }
      await fs.syncDir(dir);
      break;
    }
  }
  const active = segments[segments.length - 1];
  for (const seg of segments) {
    if (seg !== active && seg.offsetIndex) {
      seg.sealTimeIndex();
      await seg.writeIndexFiles();
      seg.offsetIndex = null;
      seg.timeIndex = null;
    }
    if (seg !== active) seg.makeEvictable();
  }
  if (active) await active.openForAppend();
  return segments;
}

/** Loads a closed segment from its files without scanning; false when they look wrong. */
async function loadClosed(ctx: RecoveryContext, seg: Segment, nextBase: number): Promise<boolean> {
  const { fs } = ctx;
  const size = await fs.fileSize(seg.logPath);
  const indexSize = await fs.fileSize(seg.indexPath);
  const timeSize = await fs.fileSize(seg.timeIndexPath);
  if (size === null || indexSize === null || timeSize === null) return false;
  if (indexSize % OFFSET_ENTRY_SIZE !== 0 || timeSize % TIME_ENTRY_SIZE !== 0) return false;
  if (size > 0 && timeSize === 0) return false;
  if (timeSize > 0) {
    const last = Buffer.alloc(TIME_ENTRY_SIZE);
    const h = await fs.open(seg.timeIndexPath, 'read');
    try {
      await readFully(h, last, 0, TIME_ENTRY_SIZE, timeSize - TIME_ENTRY_SIZE);
    } finally {
      await h.close();
    }
    seg.maxTimestamp = readInt64(last, 0);
    seg.offsetOfMaxTimestamp = seg.baseOffset + last.readInt32BE(8);
  }
  seg.size = seg.writtenSize = seg.syncedSize = size;
  seg.nextOffset = nextBase;
  seg.indexFileBytes = indexSize + timeSize;
  return true;
}

/** Loads the last segment after a clean shutdown: indexes into memory, tail scan for the end offset. */
async function loadActive(ctx: RecoveryContext, seg: Segment): Promise<boolean> {
  const { fs } = ctx;
  const size = await fs.fileSize(seg.logPath);
  const indexBytes = await fs.readFile(seg.indexPath);
  const timeBytes = await fs.readFile(seg.timeIndexPath);
  if (size === null || !indexBytes || !timeBytes) return false;
  if (indexBytes.length % OFFSET_ENTRY_SIZE !== 0 || timeBytes.length % TIME_ENTRY_SIZE !== 0)
    return false;
  const offsetIndex = new OffsetIndex(indexBytes);
  const timeIndex = new TimeIndex(timeBytes);
  if (!offsetIndex.isValid(size) || !timeIndex.isValid(INT32_MAX)) return false;
  if (size > 0 && timeIndex.entryCount === 0) return false;
  let nextOffset = seg.baseOffset;
  let firstMaxTimestamp = -1;
  const h = await fs.open(seg.logPath, 'read');
  try {
    const first = Buffer.alloc(Offsets.producerId);
    if (size > 0) {
      await readFully(h, first, 0, first.length, 0);
      firstMaxTimestamp = readInt64(first, Offsets.maxTimestamp);
    }
    const from = offsetIndex.lastPosition();
    const outcome = await scanBatches(
      h,
      from,
      size,
      { wholeBatch: false, chunkSize: 64 * 1024 },
      (buf, at) => {
        nextOffset = lastOffsetOf(buf, at) + 1;
        return false;
      },
    );
    if (outcome.badFraming) return false;
  } finally {
    await h.close();
  }
  seg.restoreActive(offsetIndex, timeIndex, size, nextOffset, firstMaxTimestamp);
  seg.indexFileBytes = indexBytes.length + timeBytes.length;
  return true;
}

/** Scans and validates every batch, truncates at the first bad one, rebuilds the indexes in memory. */
async function recoverSegment(ctx: RecoveryContext, seg: Segment): Promise<boolean> {
  const { fs } = ctx;
  seg.offsetIndex = new OffsetIndex();
  seg.timeIndex = new TimeIndex();
  const h = await fs.open(seg.logPath, 'readWrite');
  try {
    const fileSize = await h.size();
    let expected = seg.baseOffset;
    let problem = 'torn or garbage bytes';
    const outcome = await scanBatches(
      h,
      0,
      fileSize,
      { wholeBatch: true, chunkSize: RECOVERY_CHUNK },
      (buf, at, position, size) => {
        const batch = buf.subarray(at, at + size);
        if (batch.readInt8(Offsets.magic) !== CURRENT_MAGIC) {
          problem = 'bad magic';
          return true;
        }
        if (!batchCrcValid(batch)) {
          problem = 'CRC mismatch';
          return true;
        }
        const header = readBatchHeader(batch);
        const last = header.baseOffset + header.lastOffsetDelta;
        if (
          header.baseOffset < expected ||
          header.lastOffsetDelta < 0 ||
          last - seg.baseOffset > INT32_MAX
        ) {
          problem = `offset ${header.baseOffset} out of order`;
          return true;
        }
        if (position === 0) seg.rollBaseTimestamp = header.maxTimestamp;
        seg.trackBatch(
          header.baseOffset,
          last,
          header.maxTimestamp,
          position,
          size,
          ctx.indexIntervalBytes,
        );
        expected = last + 1;
        return false;
      },
    );
    const valid = outcome.end;
    seg.size = seg.writtenSize = seg.syncedSize = valid;
    if (valid < fileSize) {
      ctx.logger(
        `${ctx.dir}: truncating segment ${seg.baseOffset} from ${fileSize} to ${valid} bytes (${problem})`,
      );
      await h.truncate(valid);
    }
    // The bytes may sit only in the page cache of a crashed process: make them durable once.
    await h.sync();
    return valid < fileSize;
  } finally {
    await h.close();
  }
}

/** Offset after the last batch of a file (trusting its framing), or `base` when empty. */
async function nextOffsetOfFile(fs: FileOps, path: string, base: number): Promise<number> {
  const h = await fs.open(path, 'read');
  try {
    let next = base;
    await scanBatches(
      h,
      0,
      await h.size(),
      { wholeBatch: false, chunkSize: 1 << 16 },
      (buf, at) => {
        next = lastOffsetOf(buf, at) + 1;
        return false;
      },
    );
    return next;
  } finally {
    await h.close();
  }
}
