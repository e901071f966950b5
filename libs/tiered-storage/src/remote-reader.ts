/**
 * Reads record batches of remote segments, as the local log reads its segment files: the
 * remote offset index (the segment's .index object, fetched whole and cached) gives a file
 * position at or before the wanted offset, a short scan of batch headers finds the batch
 * holding it, and one range read returns whole batches up to maxBytes (KIP-74: the first
 * batch whole even when larger). All byte ranges go through the read-ahead ChunkCache; a
 * fetch moves its segment's read-ahead window, and near a segment's end the window carries on
 * into the next segment (its index and first chunks), so a consumer crossing segments does
 * not wait for two serial GETs at every boundary. Results are views of cached chunks, not
 * copies: the caller copies them once into its own (memory-capped) buffers.
 */
import { BATCH_LOG_OVERHEAD, Offsets, readInt64 } from '@tributary/kafka-protocol';
import {
  firstRecordAtOrAfter,
  OffsetIndex,
  TimeIndex,
  type OffsetAndTimestamp,
} from '@tributary/log-store';
import type { ChunkCache } from './chunk-cache.js';
import type { RemoteFileKind } from './object-keys.js';
import type { ObjectStore } from './object-store.js';
import type { RemoteSegment } from './remote-segment.js';

/** Object key of one of a segment's files. */
export type SegmentKeyOf = (segment: RemoteSegment, kind: RemoteFileKind) => string;

const HEADER_BYTES = Offsets.lastOffsetDelta + 4;
const FULL_HEADER_BYTES = 61;

interface BatchAt {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export class RemoteReader {
  /** Whole .index / .timeindex objects by key, most recently used last. */
  private readonly indexes = new Map<string, Promise<Buffer>>();
  private indexBytes = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly chunks: ChunkCache,
    private readonly maxIndexBytes: number,
  ) {}

  /**
   * Whole batches from `offset` within `segment`, up to maxBytes, as consecutive byte ranges;
   * [] when none fits. `next` is the segment after this one, if remote: read ahead into it.
   */
  async read(
    keyOf: SegmentKeyOf,
    segment: RemoteSegment,
    offset: number,
    maxBytes: number,
    minOneBatch: boolean,
    next?: RemoteSegment,
  ): Promise<Buffer[]> {
    const index = new OffsetIndex(await this.index(keyOf(segment, 'index')));
    const logKey = keyOf(segment, 'log');
    let position = index.lookup(Math.max(0, offset - segment.baseOffset));
    let first: BatchAt;
    for (;;) {
      const batch = await this.batchAt(logKey, segment, position);
      if (!batch) return [];
      if (batch.lastOffset >= offset) {
        first = batch;
        break;
      }
      position += batch.size;
    }
    let limit = maxBytes;
    if (first.size > maxBytes) {
      if (!minOneBatch) return [];
      limit = first.size;
    }
    const end = Math.min(position + limit, segment.segmentBytes);
    const pieces = this.chunks.readPieces(logKey, segment.segmentBytes, position, end, true);
    const beyond = this.chunks.readAheadBytes - (segment.segmentBytes - end);
    if (next && beyond > 0) this.prefetch(keyOf, next, beyond);
    return pieces;
  }

  /** Warms the start of a segment a forward reader will reach soon: its index, then its data. */
  private prefetch(keyOf: SegmentKeyOf, segment: RemoteSegment, bytes: number): void {
    this.index(keyOf(segment, 'index')).catch(() => {});
    this.chunks.prefetch(keyOf(segment, 'log'), segment.segmentBytes, 0, bytes);
  }

  /** First record at or after `timestamp` (offset >= minOffset) in the segment, or null. */
  async offsetForTimestamp(
    keyOf: SegmentKeyOf,
    segment: RemoteSegment,
    timestamp: number,
    minOffset: number,
  ): Promise<OffsetAndTimestamp | null> {
    const times = new TimeIndex(await this.index(keyOf(segment, 'timeindex')));
    const offsets = new OffsetIndex(await this.index(keyOf(segment, 'index')));
    const rel = times.lookupBefore(timestamp);
    const from = Math.max(rel < 0 ? segment.baseOffset : segment.baseOffset + rel, minOffset);
    const logKey = keyOf(segment, 'log');
    let position = offsets.lookup(Math.max(0, from - segment.baseOffset));
    for (;;) {
      const b = await this.batchAt(logKey, segment, position, FULL_HEADER_BYTES);
      if (!b) return null;
      if (b.lastOffset >= minOffset && b.maxTimestamp >= timestamp) {
        const bytes = await this.chunks.read(
          logKey,
          segment.segmentBytes,
          position,
          position + b.size,
        );
        const found = firstRecordAtOrAfter(bytes, timestamp, minOffset);
        if (found) return found;
      }
      position += b.size;
    }
  }

  private async batchAt(
    logKey: string,
    segment: RemoteSegment,
    position: number,
    headerBytes = HEADER_BYTES,
  ): Promise<BatchAt | null> {
    if (position + headerBytes > segment.segmentBytes) return null;
    const head = await this.chunks.read(
      logKey,
      segment.segmentBytes,
      position,
      position + headerBytes,
    );
    const baseOffset = readInt64(head, 0);
    const size = head.readInt32BE(8) + BATCH_LOG_OVERHEAD;
    if (size < HEADER_BYTES || position + size > segment.segmentBytes) {
      throw new Error(`corrupt batch in ${logKey} at position ${position}`);
    }
    return {
      position,
      size,
      baseOffset,
      lastOffset: baseOffset + head.readInt32BE(Offsets.lastOffsetDelta),
      maxTimestamp: headerBytes >= FULL_HEADER_BYTES ? readInt64(head, Offsets.maxTimestamp) : -1,
    };
  }

  private index(key: string): Promise<Buffer> {
    const cached = this.indexes.get(key);
    if (cached) {
      this.indexes.delete(key);
      this.indexes.set(key, cached);
      return cached;
    }
    const loading = this.store.get(key);
    this.indexes.set(key, loading);
    loading.then(
      (b) => {
        this.indexBytes += b.length;
        for (const [k, v] of this.indexes) {
          if (this.indexBytes <= this.maxIndexBytes || k === key) break;
          this.indexes.delete(k);
          void v.then((old) => (this.indexBytes -= old.length)).catch(() => {});
        }
      },
      () => this.indexes.delete(key),
    );
    return loading;
  }

  /** Forgets cached bytes of deleted objects. */
  evict(prefix: string): void {
    this.chunks.evict(prefix);
    for (const [k, v] of this.indexes) {
      if (k.startsWith(prefix)) {
        this.indexes.delete(k);
        void v.then((old) => (this.indexBytes -= old.length)).catch(() => {});
      }
    }
  }
}
