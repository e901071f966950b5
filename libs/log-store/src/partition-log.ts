/**
 * Public contract of one partition's log. The broker depends on this interface only; the
 * implementation (segments, indexes, recovery, retention, compaction, producer state) lives
 * beside it in this library.
 *
 * Concurrency model: a PartitionLog is used from one event loop. `append` assigns offsets
 * synchronously (so concurrent produce requests get distinct, ordered offsets), then writes
 * in assignment order; readers see data once it is written (`highWatermark`).
 */

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  /** -1 means unlimited. */
  retentionMs: number;
  /** -1 means unlimited. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  /** How long tombstones survive compaction. */
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  minCleanableDirtyRatio: number;
  indexIntervalBytes: number;
  /** Largest batch accepted, in bytes (max.message.bytes). */
  maxMessageBytes: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** Producer state for an idle producer id is dropped after this long. */
  producerIdExpirationMs: number;
  /** Tiered storage (read by @tributary/tiered-storage; the local log ignores them). */
  remoteStorageEnable?: boolean;
  /** Local-tier limits with tiered storage; -2 means the retention.* value. */
  localRetentionMs?: number;
  localRetentionBytes?: number;
  /** KIP-950 read-only remote data: no more copies; the local log keeps the total retention. */
  remoteLogCopyDisable?: boolean;
}

export interface AppendInput {
  /** One or more complete v2 batches whose framing and CRC the caller has validated. */
  records: Buffer;
  /** Start and size of each batch within `records` (from validateRecords). */
  batches: ReadonlyArray<{ start: number; size: number }>;
  /** Wall clock used for LogAppendTime and segment.ms. */
  now: number;
}

export type AppendResult =
  | {
      ok: true;
      baseOffset: number;
      lastOffset: number;
      /** -1 unless the topic uses LogAppendTime. */
      logAppendTime: number;
      logStartOffset: number;
      /** True when an idempotent retry matched an earlier append: nothing was written again. */
      duplicate: boolean;
      /** Resolves when the bytes are written to the segment file (page cache, not fsynced). */
      written: Promise<void>;
    }
  | {
      ok: false;
      /** A Kafka error code: OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, KAFKA_STORAGE_ERROR, ... */
      errorCode: number;
      message: string;
    };

export type ReadResult =
  | {
      ok: true;
      /** Byte ranges of whole batches (the last may be cut short by maxBytes), in offset order. */
      records: Buffer[];
      highWatermark: number;
      logStartOffset: number;
      /** With no transactions this equals highWatermark. */
      lastStableOffset: number;
      /**
       * Set when a remote (tiered) read did not finish in time and `records` is empty: settles
       * when the read does, after which a retry finds its bytes cached.
       */
      pending?: Promise<void>;
    }
  | { ok: false; errorCode: number; highWatermark: number; logStartOffset: number };

export interface ReadOptions {
  /** KIP-74: return the first batch even when it is larger than maxBytes. */
  minOneBatch: boolean;
  /**
   * Supplies the buffer each file read goes into (e.g. from a pool whose memory is capped);
   * default Buffer.allocUnsafe. Must return at least `size` bytes.
   */
  allocate?: (size: number) => Buffer;
  /**
   * Tiered logs: how long a read from remote storage may wait before it is answered empty
   * (with `pending`); default the log's remote.fetch.max.wait.ms. A fetch shares one such
   * budget among its partitions.
   */
  remoteWaitMs?: number;
}

export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}

/** A closed, finalized segment as tiered storage copies it (paths of its files). */
export interface ClosedSegmentInfo {
  baseOffset: number;
  /** Offset after the segment's last batch. */
  nextOffset: number;
  /** Bytes of the .log file. */
  sizeBytes: number;
  /** Largest batch max timestamp, -1 when none. */
  maxTimestamp: number;
  logPath: string;
  indexPath: string;
  timeIndexPath: string;
}

export interface PartitionLog {
  readonly dir: string;
  /** First readable offset (with tiered storage: of local and remote data together). */
  readonly logStartOffset: number;
  /** First offset on local disk (ListOffsets EARLIEST_LOCAL); logStartOffset without tiering. */
  readonly localLogStartOffset: number;
  /** Last offset copied to remote storage (ListOffsets LATEST_TIERED), -1 when none. */
  readonly highestTieredOffset: number;
  /** Bytes kept in remote storage for this partition (0 without tiering). */
  readonly remoteSizeBytes: number;
  /** Next offset to be assigned. */
  readonly logEndOffset: number;
  /** Offset below which every batch is written and readable. */
  readonly highWatermark: number;
  /** Bytes on local disk (segments + indexes). */
  readonly sizeBytes: number;
  readonly config: LogConfig;

  append(input: AppendInput): AppendResult;
  /** Resolves once every byte below `offset` is fsynced; concurrent callers share fsyncs. */
  flush(offset: number): Promise<void>;
  read(offset: number, maxBytes: number, options: ReadOptions): Promise<ReadResult>;
  /** Earliest offset whose batch max timestamp is >= timestamp, or null when none. */
  offsetForTimestamp(timestamp: number): Promise<OffsetAndTimestamp | null>;
  /** Offset and timestamp of the record with the largest timestamp (ListOffsets -3). */
  maxTimestampOffset(): Promise<OffsetAndTimestamp | null>;
  /** DeleteRecords: moves logStartOffset forward (persisted) and drops whole segments below it. */
  deleteRecordsBefore(offset: number): Promise<number>;
  setConfig(config: LogConfig): void;
  /** Applies retention.ms / retention.bytes (and compaction when the policy says so). */
  runMaintenance(now: number): Promise<void>;
  /** Flushes, writes the producer-state snapshot and closes files. */
  close(): Promise<void>;
  /** Closes and removes the partition directory. */
  delete(): Promise<void>;

  /** Closed segments whose files are final (fsynced, indexes written), oldest first. */
  uploadableSegments(): Promise<ClosedSegmentInfo[]>;
  /** The producer-state snapshot taken at `offset` (a segment's end), or null when there is none. */
  readProducerSnapshot(offset: number): Promise<Buffer | null>;
  /**
   * Tiered storage: every segment below `offset` is safely copied to remote storage. While set
   * (not null), retention limits delete only segments below it and a producer snapshot is
   * kept for every roll above it; null (the default) is a log without tiering.
   */
  setTieredUpTo(offset: number | null): void;
}
