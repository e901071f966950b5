/**
 * Remote storage of one partition: its metadata journal, object keys, and the operations that
 * change what is stored — copy a closed segment, delete a segment, delete everything.
 *
 * Copy protocol (KIP-405): record COPY_SEGMENT_STARTED with a fresh upload id (durable) →
 * put the .index, .timeindex, .snapshot and .log objects → record COPY_SEGMENT_FINISHED. A
 * failed attempt is cleaned up at once (DELETE_SEGMENT_STARTED → delete its objects →
 * DELETE_SEGMENT_FINISHED); an attempt interrupted by a crash is found as COPY_SEGMENT_STARTED
 * on the next start and cleaned up the same way. A retry always uses a new upload id, so a
 * late write of an abandoned attempt can never overwrite the objects of a finished copy.
 *
 * Concurrency: the RemoteLogManager runs at most one copy or deletion per partition at a
 * time; reads look at COPY_SEGMENT_FINISHED segments only.
 */
import { createReadStream } from 'node:fs';
import type { ClosedSegmentInfo } from '@tributary/log-store';
import { readFile } from 'node:fs/promises';
import { MetadataJournal } from './metadata-journal.js';
import {
  newUploadId,
  partitionPrefix,
  REMOTE_FILE_KINDS,
  segmentObjectKey,
  type RemoteFileKind,
} from './object-keys.js';
import type { ObjectStore } from './object-store.js';
import type { RemoteSegment } from './remote-segment.js';

export interface PartitionIdentity {
  /** For log lines: topic-partition. */
  label: string;
  topicId: string;
  partition: number;
}

export class RemotePartition {
  readonly prefix: string;
  /** copied(), sorted once per journal change (it is asked several times per remote fetch). */
  private copiedCache: readonly RemoteSegment[] = [];
  private copiedAt = -1;

  constructor(
    readonly id: PartitionIdentity,
    readonly journal: MetadataJournal,
    private readonly store: ObjectStore,
    keyPrefix: string,
    clusterId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = partitionPrefix(keyPrefix, clusterId, id.topicId, id.partition);
  }

  readonly keyOf = (segment: RemoteSegment, kind: RemoteFileKind): string =>
    segmentObjectKey(this.prefix, segment.baseOffset, segment.uploadId, kind);

  /** COPY_SEGMENT_FINISHED segments by base offset. */
  copied(): readonly RemoteSegment[] {
    if (this.copiedAt !== this.journal.version) {
      this.copiedCache = [...this.journal.segments.values()]
        .filter((s) => s.state === 'COPY_SEGMENT_FINISHED')
        .sort((a, b) => a.baseOffset - b.baseOffset);
      this.copiedAt = this.journal.version;
    }
    return this.copiedCache;
  }

  /** Offset after the last copied segment, or null when nothing is copied. */
  copiedUpTo(): number | null {
    const c = this.copied();
    return c.length === 0 ? null : c[c.length - 1].endOffset + 1;
  }

  /** Bytes stored remotely (every attempt not yet fully deleted). */
  storedBytes(): number {
    let total = 0;
    for (const s of this.journal.segments.values()) total += s.objectBytes || s.segmentBytes;
    return total;
  }

  /** The copied segment holding `offset`, or the first one after it (binary search). */
  segmentFor(offset: number): RemoteSegment | undefined {
    const c = this.copied();
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid].endOffset >= offset) hi = mid;
      else lo = mid + 1;
    }
    return c[lo];
  }

  /** Attempts to clean up: interrupted copies and unfinished deletions. */
  abandoned(activeUploadId: string | null): RemoteSegment[] {
    return [...this.journal.segments.values()].filter(
      (s) =>
        (s.state === 'COPY_SEGMENT_STARTED' && s.uploadId !== activeUploadId) ||
        s.state === 'DELETE_SEGMENT_STARTED',
    );
  }

  /**
   * Copies one closed segment; resolves once COPY_SEGMENT_FINISHED is durable. On failure the
   * attempt's objects are removed (best effort: a later pass retries) and the error rethrown.
   */
  async copy(
    segment: ClosedSegmentInfo,
    snapshot: Buffer | null,
    onStarted?: (uploadId: string) => void,
  ): Promise<RemoteSegment> {
    const meta: RemoteSegment = {
      uploadId: newUploadId(),
      baseOffset: segment.baseOffset,
      endOffset: segment.nextOffset - 1,
      maxTimestamp: segment.maxTimestamp,
      segmentBytes: segment.sizeBytes,
      objectBytes: 0,
      hasSnapshot: snapshot !== null,
      state: 'COPY_SEGMENT_STARTED',
      eventTimestamp: this.now(),
    };
    await this.journal.recordSegment(meta);
    onStarted?.(meta.uploadId);
    try {
      const index = await readFile(segment.indexPath);
      const timeIndex = await readFile(segment.timeIndexPath);
      await this.store.put(this.keyOf(meta, 'index'), index);
      await this.store.put(this.keyOf(meta, 'timeindex'), timeIndex);
      if (snapshot) await this.store.put(this.keyOf(meta, 'snapshot'), snapshot);
      await this.store.put(this.keyOf(meta, 'log'), {
        size: segment.sizeBytes,
        stream: () => createReadStream(segment.logPath, { start: 0, end: segment.sizeBytes - 1 }),
      });
      const objectBytes =
        segment.sizeBytes + index.length + timeIndex.length + (snapshot?.length ?? 0);
      const finished = {
        ...meta,
        objectBytes,
        state: 'COPY_SEGMENT_FINISHED' as const,
        eventTimestamp: this.now(),
      };
      await this.journal.recordSegment(finished);
      return finished;
    } catch (err) {
      await this.deleteSegment(meta).catch(() => {});
      throw err;
    }
  }

  /** DELETE_SEGMENT_STARTED → delete its objects → DELETE_SEGMENT_FINISHED. */
  async deleteSegment(segment: RemoteSegment): Promise<void> {
    const current = this.journal.segments.get(segment.uploadId) ?? segment;
    if (current.state !== 'DELETE_SEGMENT_STARTED') {
      await this.journal.recordSegment({
        ...current,
        state: 'DELETE_SEGMENT_STARTED',
        eventTimestamp: this.now(),
      });
    }
    await this.store.delete(REMOTE_FILE_KINDS.map((k) => this.keyOf(current, k)));
    await this.journal.recordSegment({
      ...current,
      state: 'DELETE_SEGMENT_FINISHED',
      eventTimestamp: this.now(),
    });
  }

  /** Topic deletion: marks the partition, removes every object under its prefix, then the journal. */
  async deleteAll(): Promise<void> {
    await this.journal.recordDeletePartition();
    const objects = await this.store.list(this.prefix);
    await this.store.delete(objects.map((o) => o.key));
    await this.journal.remove();
  }
}
