/**
 * Indexes of closed segments, loaded from their files on demand and kept in a weight-capped
 * LRU (bytes), shared by every log of the process by default so memory stays bounded however
 * many segments and partitions there are.
 */
import type { FileOps } from './fs/file-ops.js';
import { LruCache } from './lru-cache.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import type { Segment } from './segment.js';

export interface SegmentIndexes {
  offsets: OffsetIndex;
  times: TimeIndex;
}

export type IndexCache = LruCache<Segment, SegmentIndexes>;

export function createIndexCache(maxBytes: number): IndexCache {
  return new LruCache<Segment, SegmentIndexes>(maxBytes);
}

/** The in-memory indexes of an active segment, or the cached/loaded files of a closed one. */
export async function indexesOf(
  seg: Segment,
  cache: IndexCache,
  fs: FileOps,
  logger: (msg: string) => void,
): Promise<SegmentIndexes> {
  if (seg.offsetIndex && seg.timeIndex) return { offsets: seg.offsetIndex, times: seg.timeIndex };
  const hit = cache.get(seg);
  if (hit) return hit;
  const [offsetBytes, timeBytes] = await Promise.all([
    fs.readFile(seg.indexPath),
    fs.readFile(seg.timeIndexPath),
  ]);
  let offsets = new OffsetIndex(offsetBytes ?? undefined);
  let times = new TimeIndex(timeBytes ?? undefined);
  // A bad index only costs speed: an empty one makes lookups scan from the segment start.
  if (!offsetBytes || !offsets.isValid(seg.size)) {
    logger(`${seg.indexPath}: missing or invalid offset index, scanning the segment instead`);
    offsets = new OffsetIndex();
  }
  if (!timeBytes || !times.isValid(0x7fff_ffff)) {
    logger(`${seg.timeIndexPath}: missing or invalid time index, scanning the segment instead`);
    times = new TimeIndex();
  }
  const loaded = { offsets, times };
  if (!seg.removed) cache.set(seg, loaded, Math.max(1, offsets.byteSize + times.byteSize));
  return loaded;
}
