/**
 * Read side of a partition log: fetch byte ranges, timestamp lookups. Works on the current
 * segment list; every await may see segments appended, rolled or removed, so a read re-finds
 * the next segment by offset instead of holding an array position.
 */
import {
  Attributes,
  decodeRecords,
  Offsets,
  readBatchHeader,
  readInt64,
} from '@tributary/kafka-protocol';
import type { OffsetAndTimestamp } from './partition-log.js';
import type { SegmentIndexes } from './index-cache.js';
import type { BatchLocation, Segment } from './segment.js';
import { lastOffsetOf, scanBatches } from './batch-scan.js';

export interface ReaderContext {
  segments(): readonly Segment[];
  indexes(seg: Segment): Promise<SegmentIndexes>;
  /** Bytes read at once while scanning headers after an index lookup. */
  scanChunk: number;
}

/** Position in the list of the segment that would hold `offset` (last base <= offset), or -1. */
export function floorSegment(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

function segmentAfter(segments: readonly Segment[], baseOffset: number): Segment | undefined {
  const i = floorSegment(segments, baseOffset);
  return segments[i + 1];
}

async function locate(
  ctx: ReaderContext,
  seg: Segment,
  offset: number,
): Promise<BatchLocation | null> {
  const { offsets } = await ctx.indexes(seg);
  const from = offsets.lookup(Math.max(0, offset - seg.baseOffset));
  return seg.findBatch(offset, from, seg.writtenSize, ctx.scanChunk);
}

/**
 * Whole batches from the one holding `offset`, up to `maxBytes` (the last may be cut short),
 * continuing into later segments while the budget allows. With `minOneBatch` the first batch is
 * returned whole even when larger than `maxBytes` (KIP-74).
 */
export async function readRange(
  ctx: ReaderContext,
  offset: number,
  maxBytes: number,
  minOneBatch: boolean,
  allocate?: (size: number) => Buffer,
): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let remaining = maxBytes;
  const segments = ctx.segments();
  let seg: Segment | undefined = segments[Math.max(0, floorSegment(segments, offset))];
  let target = offset;
  while (seg) {
    const loc = await locate(ctx, seg, target);
    if (loc) {
      const available = seg.writtenSize - loc.position;
      const budget = out.length === 0 && minOneBatch ? Math.max(remaining, loc.size) : remaining;
      const length = Math.min(available, budget);
      if (length <= 0) break;
      const bytes = await seg.readAt(loc.position, length, allocate);
      out.push(bytes);
      remaining -= bytes.length;
      if (bytes.length < available || remaining <= 0) break;
    }
    seg = segmentAfter(ctx.segments(), seg.baseOffset);
    if (seg) target = seg.baseOffset;
  }
  return out;
}

export function recordTimestamp(batch: Buffer, timestampDelta: number): number {
  const attributes = batch.readInt16BE(Offsets.attributes);
  if ((attributes & Attributes.timestampTypeLogAppend) !== 0) {
    return readInt64(batch, Offsets.maxTimestamp);
  }
  return readInt64(batch, Offsets.baseTimestamp) + timestampDelta;
}

/**
 * First record of `batch` with offset >= minOffset and timestamp >= timestamp. Falls back to
 * batch granularity (base offset, max timestamp) when the records cannot be decoded.
 */
export function firstRecordAtOrAfter(
  batch: Buffer,
  timestamp: number,
  minOffset: number,
): OffsetAndTimestamp | null {
  const header = readBatchHeader(batch);
  try {
    for (const r of decodeRecords(batch)) {
      const offset = header.baseOffset + r.offsetDelta;
      const ts = recordTimestamp(batch, r.timestampDelta);
      if (offset >= minOffset && ts >= timestamp) return { offset, timestamp: ts };
    }
    return null;
  } catch {
    return { offset: Math.max(header.baseOffset, minOffset), timestamp: header.maxTimestamp };
  }
}

/**
 * ListOffsets by timestamp: the earliest record (offset >= minOffset) whose timestamp is >=
 * `timestamp`. The time index narrows the search to one index interval of one segment; the
 * batches there are scanned by header and the matching batch decoded to find the record.
 */
export async function findOffsetForTimestamp(
  ctx: ReaderContext,
  timestamp: number,
  minOffset: number,
): Promise<OffsetAndTimestamp | null> {
  let seg: Segment | undefined = ctx.segments()[0];
  while (seg) {
    if (seg.maxTimestamp >= timestamp && seg.nextOffset > minOffset && seg.writtenSize > 0) {
      const { offsets, times } = await ctx.indexes(seg);
      const rel = times.lookupBefore(timestamp);
      const startOffset = Math.max(rel < 0 ? seg.baseOffset : seg.baseOffset + rel, minOffset);
      const from = offsets.lookup(Math.max(0, startOffset - seg.baseOffset));
      const found = await scanForTimestamp(seg, from, timestamp, minOffset, ctx.scanChunk);
      if (found) return found;
    }
    seg = segmentAfter(ctx.segments(), seg.baseOffset);
  }
  return null;
}

async function scanForTimestamp(
  seg: Segment,
  from: number,
  timestamp: number,
  minOffset: number,
  chunk: number,
): Promise<OffsetAndTimestamp | null> {
  const candidates: BatchLocation[] = [];
  // A batch whose max timestamp reaches `timestamp` may still hold no record at or past
  // minOffset; keep looking at later batches then.
  let pos = from;
  while (pos < seg.writtenSize) {
    candidates.length = 0;
    const outcome = await seg.use((h) =>
      scanBatches(
        h,
        pos,
        seg.writtenSize,
        { wholeBatch: false, chunkSize: chunk },
        (buf, at, position, size) => {
          if (lastOffsetOf(buf, at) < minOffset) return false;
          if (readInt64(buf, at + Offsets.maxTimestamp) < timestamp) return false;
          candidates.push({ position, size });
          return true;
        },
      ),
    );
    if (!outcome.stopped) return null;
    const loc = candidates[0];
    const batch = await seg.readAt(loc.position, loc.size);
    const found = firstRecordAtOrAfter(batch, timestamp, minOffset);
    if (found) return found;
    pos = loc.position + loc.size;
  }
  return null;
}

/** ListOffsets MAX_TIMESTAMP: the first record carrying the log's largest timestamp. */
export async function findMaxTimestampOffset(
  ctx: ReaderContext,
  minOffset: number,
): Promise<OffsetAndTimestamp | null> {
  let best: Segment | null = null;
  for (const seg of ctx.segments()) {
    if (seg.offsetOfMaxTimestamp < 0 || seg.nextOffset <= minOffset) continue;
    if (!best || seg.maxTimestamp > best.maxTimestamp) best = seg;
  }
  if (!best) return null;
  const batchOffset = Math.max(best.offsetOfMaxTimestamp, minOffset);
  const loc = await locate(ctx, best, batchOffset);
  if (loc) {
    const batch = await best.readAt(loc.position, loc.size);
    const found = firstRecordAtOrAfter(batch, best.maxTimestamp, minOffset);
    if (found) return found;
  }
  return { offset: batchOffset, timestamp: best.maxTimestamp };
}
