/**
 * A partition log with tiered storage: the local PartitionLog (hot segments on disk) plus the
 * partition's remote segments. It is itself a PartitionLog, so the broker's handlers use it
 * unchanged:
 * - logStartOffset covers local and remote data; localLogStartOffset is the local log's;
 * - read() below the local log start reads the remote segment holding the offset;
 * - the local log runs with the local.retention.* limits and may delete only segments whose
 *   copy is confirmed (setTieredUpTo); retention.* (total) is applied to remote segments here;
 * - deleteRecordsBefore moves the durable log start first, then drops local and remote data.
 * Remote mutations of a partition (copy, cleanup, retention, topic deletion) run one at a
 * time through `exclusively`; reads only look at COPY_SEGMENT_FINISHED segments.
 * A remote read waits at most `remoteFetchMaxWaitMs` (Kafka's remote.fetch.max.wait.ms), or
 * what is left of the fetch's budget (ReadOptions.remoteWaitMs): then the partition is
 * answered empty without an error, as Kafka does, with `pending` set, and the read goes on in
 * the background so the fetch that follows finds its bytes cached.
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import type {
  AppendInput,
  AppendResult,
  ClosedSegmentInfo,
  LogConfig,
  OffsetAndTimestamp,
  PartitionLog,
  ReadOptions,
  ReadResult,
} from '@tributary/log-store';
import type { RemotePartition } from './remote-partition.js';
import type { ByteRateQuota } from './byte-rate-quota.js';
import type { RemoteReader } from './remote-reader.js';
import type { RemoteSegment } from './remote-segment.js';
import { selectRemoteSegmentsToDelete } from './remote-retention.js';

export interface TieredLogLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/**
 * The local log's configuration: local.retention.* in place of retention.* when tiered, never
 * more than the total (a broker-wide local default may exceed a topic's own retention).
 */
export function localLogConfig(config: LogConfig): LogConfig {
  // Read-only remote data (KIP-950): nothing more is copied, the local log keeps the totals.
  if (!config.remoteStorageEnable || config.remoteLogCopyDisable) return config;
  return {
    ...config,
    retentionMs: localLimit(config.localRetentionMs ?? -2, config.retentionMs),
    retentionBytes: localLimit(config.localRetentionBytes ?? -2, config.retentionBytes),
  };
}

/** -2 = as the total; -1 = unlimited; the total's -1 = unlimited. */
function localLimit(local: number, total: number): number {
  if (local === -2) return total;
  if (total < 0) return local;
  return local < 0 ? total : Math.min(local, total);
}

export interface CopyBacklog {
  segments: number;
  bytes: number;
}

export interface TieredLogOptions {
  /** Longest wait for a remote read before the fetch is answered without it (500). */
  remoteFetchMaxWaitMs?: number;
  /** Bytes served from remote storage, shared by all partitions; over it, reads are skipped. */
  fetchQuota?: ByteRateQuota | null;
}

export class TieredLog implements PartitionLog {
  private fullConfig: LogConfig;
  private remoteOps: Promise<unknown> = Promise.resolve();
  private lastSlowReadLog = 0;
  private lastThrottleLog = 0;
  private readonly remoteFetchMaxWaitMs: number;
  private readonly fetchQuota: ByteRateQuota | null;
  private closed = false;
  /** Closed local segments not yet copied, as of the last copy pass. */
  backlog: CopyBacklog = { segments: 0, bytes: 0 };

  constructor(
    readonly local: PartitionLog,
    readonly remote: RemotePartition,
    private readonly reader: RemoteReader,
    config: LogConfig,
    private readonly logger: TieredLogLogger,
    options: TieredLogOptions = {},
  ) {
    this.remoteFetchMaxWaitMs = options.remoteFetchMaxWaitMs ?? 500;
    this.fetchQuota = options.fetchQuota ?? null;
    this.fullConfig = config;
    this.applyConfig();
  }

  get dir(): string {
    return this.local.dir;
  }

  get config(): LogConfig {
    return this.fullConfig;
  }

  /** Whether closed segments are copied (tiering on and remote.log.copy.disable off). */
  get tieringEnabled(): boolean {
    return (
      this.fullConfig.remoteStorageEnable === true &&
      this.fullConfig.remoteLogCopyDisable !== true &&
      !this.closed
    );
  }

  get logStartOffset(): number {
    const localStart = this.local.logStartOffset;
    const first = this.remote.copied()[0];
    const start = first ? Math.min(first.baseOffset, localStart) : localStart;
    return Math.max(start, Math.min(this.remote.journal.logStart, this.local.highWatermark));
  }

  get localLogStartOffset(): number {
    return this.local.logStartOffset;
  }

  get highestTieredOffset(): number {
    const upTo = this.remote.copiedUpTo();
    return upTo === null ? -1 : upTo - 1;
  }

  get logEndOffset(): number {
    return this.local.logEndOffset;
  }

  get highWatermark(): number {
    return this.local.highWatermark;
  }

  get sizeBytes(): number {
    return this.local.sizeBytes;
  }

  get remoteSizeBytes(): number {
    return this.remote.storedBytes();
  }

  append(input: AppendInput): AppendResult {
    const r = this.local.append(input);
    return r.ok ? { ...r, logStartOffset: this.logStartOffset } : r;
  }

  flush(offset: number): Promise<void> {
    return this.local.flush(offset);
  }

  async read(offset: number, maxBytes: number, options: ReadOptions): Promise<ReadResult> {
    if (offset < this.local.logStartOffset) return this.readRemote(offset, maxBytes, options);
    const r = await this.local.read(offset, maxBytes, options);
    // Local retention may have removed the segment under the read: it is remote by now.
    if (
      !r.ok &&
      r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE &&
      offset < this.local.logStartOffset
    ) {
      return this.readRemote(offset, maxBytes, options);
    }
    return { ...r, logStartOffset: this.logStartOffset };
  }

  private async readRemote(
    offset: number,
    maxBytes: number,
    options: ReadOptions,
  ): Promise<ReadResult> {
    const highWatermark = this.local.highWatermark;
    const logStartOffset = this.logStartOffset;
    const error = (errorCode: number): ReadResult => ({
      ok: false,
      errorCode,
      highWatermark,
      logStartOffset,
    });
    const answer = (records: Buffer[], pending?: Promise<void>): ReadResult => ({
      ok: true,
      records,
      highWatermark,
      logStartOffset,
      lastStableOffset: highWatermark,
      ...(pending ? { pending } : {}),
    });
    if (offset < logStartOffset) return error(ErrorCode.OFFSET_OUT_OF_RANGE);
    const segment = this.remote.segmentFor(offset);
    if (!segment) return error(ErrorCode.OFFSET_OUT_OF_RANGE);
    if (this.fetchQuota?.exceeded()) {
      // KIP-956: over the remote fetch quota the partition is answered without data, no error;
      // the consumer asks again after its fetch wait.
      this.throttled();
      return answer([]);
    }
    const after = this.remote.segmentFor(segment.endOffset + 1);
    const next = after && after.baseOffset < this.local.logStartOffset ? after : undefined;
    const from = Math.max(offset, segment.baseOffset);
    const reading = this.reader.read(
      this.remote.keyOf,
      segment,
      from,
      maxBytes,
      options.minOneBatch,
      next,
    );
    const waitMs = Math.max(0, options.remoteWaitMs ?? this.remoteFetchMaxWaitMs);
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), waitMs);
    });
    try {
      // Cached bytes resolve within microtasks, before even a 0 ms timer.
      const pieces = await Promise.race([reading, late]);
      if (pieces === null) {
        const pending = reading.then(
          () => {
            const ms = Date.now() - started;
            if (ms > this.remoteFetchMaxWaitMs) this.slowRead(offset, ms);
          },
          () => {}, // the retry reads again and reports the error
        );
        return answer([], pending);
      }
      const records = copyOut(pieces, options.allocate);
      this.fetchQuota?.record(records.reduce((n, b) => n + b.length, 0));
      return answer(records);
    } catch (err) {
      this.logger.error(
        `${this.remote.id.label}: remote read at ${offset} failed: ${(err as Error).message}`,
      );
      return error(ErrorCode.KAFKA_STORAGE_ERROR);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs that remote reads are held back by the fetch quota (at most every 10 s). */
  private throttled(): void {
    const now = Date.now();
    if (now - this.lastThrottleLog < 10_000) return;
    this.lastThrottleLog = now;
    this.logger.info(
      `${this.remote.id.label}: remote reads held back by remote.log.manager.fetch.max.bytes.per.second (${this.fetchQuota!.bytesPerSecond})`,
    );
  }

  /** Logs a remote read that outlasted remote.fetch.max.wait.ms (at most every 10 s). */
  private slowRead(offset: number, ms: number): void {
    const now = Date.now();
    if (now - this.lastSlowReadLog < 10_000) return;
    this.lastSlowReadLog = now;
    this.logger.warn(
      `${this.remote.id.label}: remote read at ${offset} took ${ms} ms ` +
        `(over remote.fetch.max.wait.ms ${this.remoteFetchMaxWaitMs}; answered empty meanwhile)`,
    );
  }

  async offsetForTimestamp(timestamp: number): Promise<OffsetAndTimestamp | null> {
    const start = this.logStartOffset;
    const localStart = this.local.logStartOffset;
    for (const seg of this.remote.copied()) {
      if (seg.baseOffset >= localStart) break;
      if (seg.endOffset < start || seg.maxTimestamp < timestamp) continue;
      const found = await this.reader.offsetForTimestamp(this.remote.keyOf, seg, timestamp, start);
      if (found) return found;
    }
    return this.local.offsetForTimestamp(timestamp);
  }

  /**
   * The first record with the largest timestamp in the whole log (remote segments included):
   * the remote segment with the largest maxTimestamp (the earliest on a tie, as Kafka's
   * segment order) wins over the local log when its timestamp is not smaller.
   */
  async maxTimestampOffset(): Promise<OffsetAndTimestamp | null> {
    const local = await this.local.maxTimestampOffset();
    const start = this.logStartOffset;
    const localStart = this.local.logStartOffset;
    let best: RemoteSegment | null = null;
    for (const seg of this.remote.copied()) {
      if (seg.baseOffset >= localStart) break;
      if (seg.endOffset < start || seg.maxTimestamp < 0) continue;
      if (!best || seg.maxTimestamp > best.maxTimestamp) best = seg;
    }
    if (!best || (local && local.timestamp > best.maxTimestamp)) return local;
    const found = await this.reader.offsetForTimestamp(
      this.remote.keyOf,
      best,
      best.maxTimestamp,
      start,
    );
    return found ?? local;
  }

  async deleteRecordsBefore(offset: number): Promise<number> {
    const hw = this.local.highWatermark;
    const target = offset < 0 ? hw : Math.min(offset, hw);
    // Durable first: from here on nothing below `target` is served, whatever fails next.
    await this.remote.journal.recordLogStart(target);
    if (target > this.local.logStartOffset) await this.local.deleteRecordsBefore(target);
    await this.applyRemoteRetention(Date.now()).catch((err: unknown) =>
      this.logger.warn(
        `${this.remote.id.label}: remote deletion below ${target} deferred: ${(err as Error).message}`,
      ),
    );
    return this.logStartOffset;
  }

  setConfig(config: LogConfig): void {
    const wasTiered = this.fullConfig.remoteStorageEnable === true;
    this.fullConfig = config;
    this.applyConfig();
    if (wasTiered && !config.remoteStorageEnable) void this.eraseRemoteWhenOff();
  }

  private applyConfig(): void {
    // Local segments wait for their copy only while copies are made.
    this.local.setConfig(localLogConfig(this.fullConfig));
    this.local.setTieredUpTo(this.tieringEnabled ? (this.remote.copiedUpTo() ?? 0) : null);
  }

  /**
   * Tiering turned off with remote.log.delete.on.disable (KIP-950; the only way the broker
   * lets it be turned off): every remote segment is deleted, oldest first, and the log then
   * starts at the local log start. Resumed by the maintenance pass after a failure or a
   * restart (the journal still lists segments).
   */
  private eraseRemoteWhenOff(): Promise<void> {
    return this.exclusively(async () => {
      if (this.fullConfig.remoteStorageEnable || this.remote.journal.segments.size === 0) return;
      const segments = [...this.remote.journal.segments.values()].sort(
        (a, b) => a.baseOffset - b.baseOffset,
      );
      this.logger.info(
        `${this.remote.id.label}: tiering turned off; deleting ${segments.length} remote segment(s)`,
      );
      for (const s of segments) {
        this.reader.evict(this.remote.keyOf(s, 'log').replace(/\.log$/, ''));
        await this.remote.deleteSegment(s);
      }
      this.backlog = { segments: 0, bytes: 0 };
      this.logger.info(`${this.remote.id.label}: remote data deleted`);
    }).catch((err: unknown) =>
      this.logger.warn(
        `${this.remote.id.label}: deleting remote data deferred: ${(err as Error).message}`,
      ),
    );
  }

  async runMaintenance(now: number): Promise<void> {
    if (!this.fullConfig.remoteStorageEnable) {
      await this.local.runMaintenance(now);
      if (this.remote.journal.segments.size > 0) await this.eraseRemoteWhenOff();
      return;
    }
    // Read-only remote data: the remote (older) segments expire before the local ones, so the
    // log never has a hole between them.
    if (this.fullConfig.remoteLogCopyDisable && this.remote.copied().length > 0)
      await this.applyRemoteRetention(now).catch((err: unknown) =>
        this.logger.warn(
          `${this.remote.id.label}: remote retention deferred: ${(err as Error).message}`,
        ),
      );
    await this.local.runMaintenance(now);
    if (this.remote.copied().length > 0) {
      await this.applyRemoteRetention(now).catch((err: unknown) =>
        this.logger.warn(
          `${this.remote.id.label}: remote retention deferred: ${(err as Error).message}`,
        ),
      );
    }
  }

  /** Deletes the remote segments retention.* (total) or the log start no longer keep. */
  applyRemoteRetention(now: number): Promise<void> {
    return this.exclusively(async () => {
      const copied = this.remote.copied();
      const upTo = this.remote.copiedUpTo() ?? 0;
      let copiedLocalBytes = 0;
      for (const s of copied)
        if (s.baseOffset >= this.local.logStartOffset) copiedLocalBytes += s.segmentBytes;
      const localOnly = Math.max(0, this.local.sizeBytes - copiedLocalBytes);
      const count = selectRemoteSegmentsToDelete(
        copied,
        {
          retentionMs: this.fullConfig.retentionMs,
          retentionBytes: this.fullConfig.retentionBytes,
        },
        now,
        this.logStartOffset,
        localOnly,
      );
      if (count === 0) return;
      const victims = copied.slice(0, count);
      const newStart = count < copied.length ? copied[count].baseOffset : upTo;
      await this.remote.journal.recordLogStart(newStart);
      if (newStart > this.local.logStartOffset && newStart <= this.local.highWatermark) {
        await this.local.deleteRecordsBefore(newStart);
      }
      this.logger.info(
        `${this.remote.id.label}: deleting ${count} remote segment(s) below offset ${newStart}`,
      );
      for (const v of victims) {
        this.reader.evict(this.remote.keyOf(v, 'log').replace(/\.log$/, ''));
        await this.remote.deleteSegment(v);
      }
    });
  }

  /** Runs a remote mutation after every earlier one of this partition. */
  exclusively<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.remoteOps.then(fn);
    this.remoteOps = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    this.closed = true;
    return this.local.close();
  }

  /** Closes and removes the local directory; remote data goes with RemoteLogManager.deleteTopic. */
  async delete(): Promise<void> {
    this.closed = true;
    await this.local.delete();
  }

  uploadableSegments(): Promise<ClosedSegmentInfo[]> {
    return this.local.uploadableSegments();
  }

  readProducerSnapshot(offset: number): Promise<Buffer | null> {
    return this.local.readProducerSnapshot(offset);
  }

  setTieredUpTo(offset: number | null): void {
    this.local.setTieredUpTo(offset);
  }

  /** Waits for remote mutations in flight (close, tests). */
  async idle(): Promise<void> {
    await this.remoteOps;
  }
}

/** The pieces in one buffer from `allocate` (the caller's capped pool), or as they are. */
function copyOut(pieces: Buffer[], allocate: ((size: number) => Buffer) | undefined): Buffer[] {
  if (pieces.length === 0 || !allocate) return pieces;
  let size = 0;
  for (const p of pieces) size += p.length;
  const out = allocate(size).subarray(0, size);
  let at = 0;
  for (const p of pieces) at += p.copy(out, at);
  return [out];
}
