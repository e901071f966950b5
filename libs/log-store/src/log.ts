/**
 * PartitionLog implementation: the segment list, append/flush/read, roll, retention,
 * compaction and close.
 *
 * Concurrency model (one event loop; every mutation below is synchronous code between awaits):
 * - append() runs to completion synchronously: it validates, checks producer state, rolls the
 *   active segment when needed, rewrites base offsets (and LogAppendTime), advances
 *   logEndOffset, updates the active segment's in-memory indexes and the producer state, and
 *   enqueues the bytes. Offsets are therefore assigned in call order and never interleave.
 * - WriteQueue is the only writer of segment data. It writes groups strictly in assignment
 *   order (one writev per group), then sets segment.writtenSize and highWatermark. A failed
 *   write fails the log (every later append/flush reports KAFKA_STORAGE_ERROR; reopen recovers).
 * - GroupCommit owns flushedOffset. One sync round at a time fsyncs every segment in
 *   `unsynced` (rolled-but-not-finalized ones and the active one), oldest first, then releases
 *   the flush() callers it covers. A failed fsync fails the log: page-cache state is unknown.
 * - roll() is synchronous (called from append() or maintenance): it pushes a new active segment
 *   and chains finalize(old) on `background`: wait for its writes, fsync, write its index
 *   files, write the producer snapshot and advance the recovery point — strictly in roll order.
 * - Maintenance (runMaintenance, deleteRecordsBefore) runs one at a time on `exclusive`. It only
 *   removes or replaces closed, finalized segments: it splices the list synchronously (bumping
 *   `generation`), then closes handles (deferred while a read holds them) and deletes files.
 * - Reads never block writers: they look segments up by offset, read below writtenSize, hold
 *   a segment's handle while using it, and retry once if the list changed under them.
 */
import {
  ErrorCode,
  Offsets,
  readInt64,
  setBaseOffset,
  setLogAppendTime,
} from '@tributary/kafka-protocol';
import type { FileOps } from './fs/file-ops.js';
import type {
  AppendInput,
  AppendResult,
  ClosedSegmentInfo,
  LogConfig,
  OffsetAndTimestamp,
  PartitionLog,
  ReadOptions,
  ReadResult,
} from './partition-log.js';
import { deleteSegmentFiles, Segment, type HandleCache } from './segment.js';
import { WriteQueue, type WriteGroup } from './write-queue.js';
import { GroupCommit } from './group-commit.js';
import { lastSequence, ProducerStateManager } from './producer-state.js';
import { checkAppend } from './append-check.js';
import { writeCheckpoint } from './checkpoints.js';
import { indexesOf, type IndexCache } from './index-cache.js';
import { findMaxTimestampOffset, findOffsetForTimestamp, type ReaderContext } from './reader.js';
import { readLog } from './read-log.js';
import { finalizeSegment, persistCleanShutdown } from './persistence.js';
import { snapshotFile } from './file-names.js';
import { compactLog } from './cleaners/run-compaction.js';
import { applyRetention } from './cleaners/run-retention.js';

const INT32_MAX = 0x7fff_ffff;

export interface LogDeps {
  fs: FileOps;
  now: () => number;
  logger: (msg: string) => void;
  indexes: IndexCache;
  handles: HandleCache;
  /** Offset-map size limit of one compaction pass. */
  compactionMaxKeys: number;
}

export interface LogState {
  segments: Segment[];
  logStartOffset: number;
  cleanerOffset: number;
  producers: ProducerStateManager;
}

type Failure = Extract<AppendResult, { ok: false }>;

function failure(errorCode: number, message: string): Failure {
  return { ok: false, errorCode, message };
}

export class Log implements PartitionLog {
  config: LogConfig;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  /** Bumped whenever segments are removed or replaced (reads retry once on a change). */
  generation = 0;
  readonly segments: Segment[];
  readonly producers: ProducerStateManager;
  cleanerOffset: number;
  /** Tiered storage: every segment below this offset is copied remotely (null: no tiering). */
  tieredUpTo: number | null = null;

  private readonly writes: WriteQueue;
  private readonly commit: GroupCommit;
  /** Segments that may hold written-but-unsynced bytes, oldest first. */
  private readonly unsynced: Segment[];
  private background: Promise<void> = Promise.resolve();
  private queuedFinalizes = 0;
  private rollsSinceCheckpoint = 0;
  /** Settles when the latest append is written. */
  private lastWrite: Promise<void> = Promise.resolve();
  private exclusive: Promise<unknown> = Promise.resolve();
  private failed: Error | null = null;
  private closed = false;
  private readonly reader: ReaderContext;

  constructor(
    readonly dir: string,
    config: LogConfig,
    readonly deps: LogDeps,
    state: LogState,
  ) {
    this.config = config;
    this.segments = state.segments;
    this.producers = state.producers;
    this.logStartOffset = state.logStartOffset;
    this.cleanerOffset = state.cleanerOffset;
    const active = this.active;
    this.logEndOffset = this.highWatermark = active.nextOffset;
    this.unsynced = [active];
    this.writes = new WriteQueue(
      (group) => this.onWritten(group),
      (err) => this.fail(err),
    );
    this.commit = new GroupCommit(
      {
        writtenOffset: () => this.highWatermark,
        syncAll: () => this.syncAll(),
        onError: (err) => this.fail(err),
      },
      this.logEndOffset,
    );
    this.reader = {
      segments: () => this.segments,
      indexes: (seg) => indexesOf(seg, deps.indexes, deps.fs, deps.logger),
      scanChunk: Math.max(16 * 1024, 2 * config.indexIntervalBytes),
    };
  }

  get localLogStartOffset(): number {
    return this.logStartOffset;
  }

  get highestTieredOffset(): number {
    return -1;
  }

  get remoteSizeBytes(): number {
    return 0;
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) {
      total += s.size + s.indexFileBytes;
      if (s.offsetIndex && s.indexFileBytes === 0) total += s.offsetIndex.byteSize;
      if (s.timeIndex && s.indexFileBytes === 0) total += s.timeIndex.byteSize;
    }
    return total;
  }

  /** fsync rounds run so far (tests and metrics). */
  get syncRounds(): number {
    return this.commit.rounds;
  }

  append(input: AppendInput): AppendResult {
    if (this.closed) return failure(ErrorCode.KAFKA_STORAGE_ERROR, `log ${this.dir} is closed`);
    if (this.failed) {
      return failure(
        ErrorCode.KAFKA_STORAGE_ERROR,
        `log ${this.dir} failed: ${this.failed.message}`,
      );
    }
    const check = checkAppend(
      input,
      this.config.maxMessageBytes,
      this.producers,
      this.logEndOffset,
    );
    if (check.kind === 'error') return failure(check.errorCode, check.message);
    if (check.kind === 'duplicate') {
      return {
        ok: true,
        baseOffset: check.firstOffset,
        lastOffset: check.lastOffset,
        logAppendTime: -1,
        logStartOffset: this.logStartOffset,
        duplicate: true,
        written: this.writesUpTo(check.lastOffset + 1),
      };
    }

    // Assign offsets, roll as needed, enqueue.
    const { records, batches, now } = input;
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime';
    const baseOffset = this.logEndOffset;
    const promises: Array<Promise<void>> = [];
    for (const b of batches) {
      const batch = records.subarray(b.start, b.start + b.size);
      const delta = batch.readInt32BE(Offsets.lastOffsetDelta);
      const base = this.logEndOffset;
      const last = base + delta;
      this.maybeRoll(b.size, last, now);
      const seg = this.active;
      setBaseOffset(batch, base);
      if (logAppendTime) setLogAppendTime(batch, now);
      const position = seg.size;
      if (seg.rollBaseTimestamp < 0) seg.rollBaseTimestamp = now;
      seg.trackBatch(
        base,
        last,
        readInt64(batch, Offsets.maxTimestamp),
        position,
        b.size,
        this.config.indexIntervalBytes,
      );
      this.logEndOffset = last + 1;
      const producerId = readInt64(batch, Offsets.producerId);
      if (producerId >= 0) {
        const firstSeq = batch.readInt32BE(Offsets.baseSequence);
        this.producers.record(
          producerId,
          batch.readInt16BE(Offsets.producerEpoch),
          { firstSeq, lastSeq: lastSequence(firstSeq, delta), firstOffset: base, lastOffset: last },
          now,
        );
      }
      const p = this.writes.enqueue(seg, batch, position, last + 1);
      if (promises[promises.length - 1] !== p) promises.push(p);
    }
    const written =
      promises.length === 1 ? promises[0] : Promise.all(promises).then(() => undefined);
    written.catch(() => {});
    this.lastWrite = written;
    return {
      ok: true,
      baseOffset,
      lastOffset: this.logEndOffset - 1,
      logAppendTime: logAppendTime ? now : -1,
      logStartOffset: this.logStartOffset,
      duplicate: false,
      written,
    };
  }

  /** Settles once every batch below `offset` is written (for duplicates of in-flight appends). */
  private writesUpTo(offset: number): Promise<void> {
    return offset <= this.highWatermark ? Promise.resolve() : this.lastWrite;
  }

  private maybeRoll(size: number, lastOffset: number, now: number): void {
    const seg = this.active;
    if (seg.isEmpty) return;
    if (
      seg.size + size > this.config.segmentBytes ||
      lastOffset - seg.baseOffset > INT32_MAX ||
      (seg.rollBaseTimestamp >= 0 && now - seg.rollBaseTimestamp > this.config.segmentMs)
    ) {
      this.roll();
    }
  }

  /** Starts a new active segment at logEndOffset; the old one is finalized in the background. */
  roll(): void {
    const old = this.active;
    old.sealTimeIndex();
    const snapshot = this.producers.encodeSnapshot();
    const seg = Segment.create(this.deps.fs, this.dir, this.logEndOffset, this.deps.handles);
    this.segments.push(seg);
    this.unsynced.push(seg);
    this.queuedFinalizes++;
    this.background = this.background
      .then(() => this.finalize(old, seg.baseOffset, snapshot))
      .catch((err: unknown) => this.fail(err));
  }

  private async finalize(old: Segment, newBase: number, snapshot: Buffer): Promise<void> {
    if (this.failed) return;
    // Under a burst of rolls, write the snapshot and recovery point only for the newest roll
    // (or every few rolls, so recovery never has to scan far).
    // Tiered storage copies each segment with the producer state at its end: snapshot every roll.
    const checkpoint =
      --this.queuedFinalizes === 0 || ++this.rollsSinceCheckpoint >= 8 || this.tieredUpTo !== null;
    if (checkpoint) this.rollsSinceCheckpoint = 0;
    await finalizeSegment(
      this.deps.fs,
      this.dir,
      old,
      checkpoint ? { newBase, snapshot, keepFrom: this.snapshotKeepFrom } : null,
    );
    this.unsynced.splice(this.unsynced.indexOf(old), 1);
  }

  private onWritten(group: WriteGroup): void {
    this.highWatermark = group.endOffset;
    this.commit.kick();
  }

  private async syncAll(): Promise<void> {
    for (const seg of this.unsynced.slice()) await seg.sync();
  }

  /** Takes the log offline after a storage error (reopen to recover). */
  fail(err: unknown): void {
    if (this.failed) return;
    this.failed = err instanceof Error ? err : new Error(String(err));
    this.deps.logger(`${this.dir}: storage failure, log is offline: ${this.failed.message}`);
    this.commit.fail(this.failed);
  }

  flush(offset: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const target = Math.min(offset, this.logEndOffset);
    if (this.closed && target > this.commit.flushedOffset) {
      return Promise.reject(new Error(`log ${this.dir} is closed`));
    }
    return this.commit.flush(target);
  }

  async read(offset: number, maxBytes: number, options: ReadOptions): Promise<ReadResult> {
    if (this.closed) {
      return {
        ok: false,
        errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
        highWatermark: this.highWatermark,
        logStartOffset: this.logStartOffset,
      };
    }
    return readLog(this.reader, this, offset, maxBytes, options.minOneBatch, options.allocate);
  }

  offsetForTimestamp(timestamp: number): Promise<OffsetAndTimestamp | null> {
    return findOffsetForTimestamp(this.reader, timestamp, this.logStartOffset);
  }

  maxTimestampOffset(): Promise<OffsetAndTimestamp | null> {
    return findMaxTimestampOffset(this.reader, this.logStartOffset);
  }

  setConfig(config: LogConfig): void {
    this.config = config;
  }

  /** Runs `fn` after every earlier maintenance task (one at a time). */
  private exclusively<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(fn);
    this.exclusive = run.catch(() => {});
    return run;
  }

  deleteRecordsBefore(offset: number): Promise<number> {
    return this.exclusively(async () => {
      if (this.closed) throw new Error(`log ${this.dir} is closed`);
      if (this.failed) throw this.failed;
      const target = offset < 0 ? this.highWatermark : Math.min(offset, this.highWatermark);
      if (target > this.logStartOffset) {
        this.logStartOffset = target;
        await writeCheckpoint(this.deps.fs, this.dir, 'log-start-offset', target);
      }
      await applyRetention(this, this.deps.now(), false);
      return this.logStartOffset;
    });
  }

  runMaintenance(now: number): Promise<void> {
    return this.exclusively(async () => {
      if (this.closed || this.failed) return;
      this.producers.expire(now, this.config.producerIdExpirationMs);
      const policy = this.config.cleanupPolicy;
      await applyRetention(this, now, policy.includes('delete'));
      if (policy.includes('compact')) await compactLog(this, now);
    });
  }

  /**
   * Swaps `old` (consecutive closed segments) for `replacement` in the list, then releases the
   * old segments and, when `replacement` is null, deletes their files.
   */
  async replaceSegments(old: readonly Segment[], replacement: Segment | null): Promise<void> {
    const at = this.segments.indexOf(old[0]);
    this.segments.splice(at, old.length, ...(replacement ? [replacement] : []));
    this.generation++;
    for (const seg of old) {
      seg.removed = true;
      this.deps.indexes.delete(seg);
      seg.close();
      if (!replacement) await deleteSegmentFiles(this.deps.fs, this.dir, seg.baseOffset);
    }
    if (!replacement) await this.deps.fs.syncDir(this.dir);
  }

  get isOffline(): boolean {
    return this.closed || this.failed !== null;
  }

  indexesOf(seg: Segment): ReturnType<ReaderContext['indexes']> {
    return this.reader.indexes(seg);
  }

  /** Waits for every rolled segment to be finalized; throws if the log failed meanwhile. */
  async finalized(): Promise<void> {
    await this.background;
    if (this.failed) throw this.failed;
  }

  /** Snapshots above this offset are kept (tiered storage has not copied them yet). */
  private get snapshotKeepFrom(): number {
    return this.tieredUpTo ?? Number.MAX_SAFE_INTEGER;
  }

  setTieredUpTo(offset: number | null): void {
    this.tieredUpTo = offset;
  }

  async uploadableSegments(): Promise<ClosedSegmentInfo[]> {
    if (this.closed || this.failed) return [];
    return (await this.closedSegments()).map((s) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      sizeBytes: s.size,
      maxTimestamp: s.maxTimestamp,
      logPath: s.logPath,
      indexPath: s.indexPath,
      timeIndexPath: s.timeIndexPath,
    }));
  }

  async readProducerSnapshot(offset: number): Promise<Buffer | null> {
    return this.deps.fs.readFile(snapshotFile(this.dir, offset));
  }

  /** Closed segments whose finalization is done (compaction input). */
  async closedSegments(): Promise<Segment[]> {
    await this.background;
    return this.segments.slice(0, -1).filter((s) => !this.unsynced.includes(s));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive;
    await this.writes.whenIdle();
    if (!this.failed) {
      try {
        await this.commit.flush(this.logEndOffset);
        await this.background;
        if (this.failed) throw this.failed;
        await persistCleanShutdown(this.deps.fs, this.dir, this.active, {
          logStartOffset: this.logStartOffset,
          logEndOffset: this.logEndOffset,
          snapshot: this.producers.encodeSnapshot(),
          keepFrom: this.snapshotKeepFrom,
        });
      } catch (err) {
        this.deps.logger(`${this.dir}: unclean close: ${(err as Error).message}`);
      }
    }
    for (const seg of this.segments) {
      this.deps.indexes.delete(seg);
      seg.close();
    }
  }

  async delete(): Promise<void> {
    await this.close();
    await this.deps.fs.removeDir(this.dir);
  }
}
