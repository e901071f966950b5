/**
 * One segment: a `.log` file of record batches starting at `baseOffset`, plus its offset and
 * time indexes. The active segment keeps both indexes in memory and owns a writable handle;
 * a closed segment's indexes are files (loaded through the shared IndexCache) and its read
 * handle is opened lazily and closed when the shared handle LRU evicts it.
 *
 * Sizes, all in bytes from the start of the file:
 *   size          assigned by append() (queued or written)
 *   writtenSize   written to the file (readable)
 *   syncedSize    fsynced
 */
import { readFully, writeFully, type FileHandle, type FileOps } from './fs/file-ops.js';
import { SEGMENT_KINDS, segmentFile, type FileSuffix } from './file-names.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { lastOffsetOf, scanBatches } from './batch-scan.js';
import type { LruCache } from './lru-cache.js';

export type HandleCache = LruCache<Segment, true>;

export interface BatchLocation {
  position: number;
  size: number;
}

export class Segment {
  size = 0;
  writtenSize = 0;
  syncedSize = 0;
  /** Offset after the last batch (for a closed segment loaded without a scan: the next base). */
  nextOffset: number;
  maxTimestamp = -1;
  /** Base offset of the first batch that reached maxTimestamp. */
  offsetOfMaxTimestamp = -1;
  /** Reference time for segment.ms: append time of the first batch (its max timestamp after a reopen). */
  rollBaseTimestamp = -1;
  /** In memory while the segment is active (or being recovered); null once written to files. */
  offsetIndex: OffsetIndex | null = null;
  timeIndex: TimeIndex | null = null;
  /** Bytes of this segment's index files on disk (counted in sizeBytes). */
  indexFileBytes = 0;
  /** The file was just created: the directory entry needs an fsync before data counts as durable. */
  needsDirSync = false;
  /** Removed from the log (retention or compaction); reads that still hold it retry. */
  removed = false;
  /** Settles when every byte assigned so far is written. */
  lastWrite: Promise<void> = Promise.resolve();

  private bytesSinceIndexEntry = 0;
  private handle: FileHandle | null = null;
  private opening: Promise<FileHandle> | null = null;
  private refs = 0;
  private closeWhenIdle = false;
  private evictable = false;
  private syncing: Promise<void> | null = null;
  private createOnOpen = false;

  constructor(
    private readonly fs: FileOps,
    readonly dir: string,
    readonly baseOffset: number,
    private readonly handles: HandleCache,
    private readonly suffix: FileSuffix = '',
  ) {
    this.nextOffset = baseOffset;
  }

  get logPath(): string {
    return segmentFile(this.dir, this.baseOffset, 'log', this.suffix);
  }

  get indexPath(): string {
    return segmentFile(this.dir, this.baseOffset, 'index', this.suffix);
  }

  get timeIndexPath(): string {
    return segmentFile(this.dir, this.baseOffset, 'timeindex', this.suffix);
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Starts a new, empty active segment. Its file is created by the first use — normally the
   * first write, which the write queue issues only after every earlier segment's writes — so a
   * crash never leaves a later segment file behind an incomplete one.
   */
  static create(fs: FileOps, dir: string, baseOffset: number, handles: HandleCache): Segment {
    const seg = new Segment(fs, dir, baseOffset, handles);
    seg.offsetIndex = new OffsetIndex();
    seg.timeIndex = new TimeIndex();
    seg.needsDirSync = true;
    seg.createOnOpen = true;
    return seg;
  }

  /** Opens an existing file for appends (the recovered active segment). */
  openForAppend(): Promise<void> {
    return this.adoptOpening(this.fs.open(this.logPath, 'readWrite')).then(() => undefined);
  }

  private adoptOpening(p: Promise<FileHandle>): Promise<FileHandle> {
    this.opening = p.then(
      (h) => {
        this.handle = h;
        this.opening = null;
        if (this.evictable) this.handles.set(this, true);
        return h;
      },
      (err: unknown) => {
        this.opening = null;
        throw err;
      },
    );
    this.opening.catch(() => {});
    return this.opening;
  }

  /** Records a batch placed at `position` (append or recovery); maintains the sparse indexes. */
  trackBatch(
    baseOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    position: number,
    size: number,
    indexIntervalBytes: number,
  ): void {
    if (maxTimestamp > this.maxTimestamp || this.offsetOfMaxTimestamp < 0) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = baseOffset;
    }
    if (position > 0 && this.bytesSinceIndexEntry >= indexIntervalBytes && this.offsetIndex) {
      this.offsetIndex.append(baseOffset - this.baseOffset, position);
      this.timeIndex?.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.size = position + size;
    this.nextOffset = lastOffset + 1;
  }

  /** Restores the active segment's state after a clean shutdown (indexes from their files). */
  restoreActive(
    offsetIndex: OffsetIndex,
    timeIndex: TimeIndex,
    size: number,
    nextOffset: number,
    rollBaseTimestamp: number,
  ): void {
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.size = this.writtenSize = this.syncedSize = size;
    this.nextOffset = nextOffset;
    this.rollBaseTimestamp = rollBaseTimestamp;
    this.bytesSinceIndexEntry = size - offsetIndex.lastPosition();
    if (timeIndex.entryCount > 0) {
      this.maxTimestamp = timeIndex.lastTimestamp();
      this.offsetOfMaxTimestamp = this.baseOffset + timeIndex.lastRelOffset();
    }
  }

  /** Makes the time index end with the segment's max timestamp (on roll and close). */
  sealTimeIndex(): void {
    if (this.offsetOfMaxTimestamp >= 0) {
      this.timeIndex?.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    }
  }

  /** Writes both in-memory indexes to their files (fsynced). */
  async writeIndexFiles(): Promise<void> {
    if (!this.offsetIndex || !this.timeIndex) return;
    const offsets = this.offsetIndex.toBuffer();
    const times = this.timeIndex.toBuffer();
    await this.fs.writeFile(this.indexPath, offsets);
    await this.fs.writeFile(this.timeIndexPath, times);
    this.indexFileBytes = offsets.length + times.length;
  }

  /** Runs `fn` with the open file handle, keeping it open meanwhile. */
  async use<T>(fn: (handle: FileHandle) => Promise<T>): Promise<T> {
    this.refs++;
    try {
      return await fn(await this.acquire());
    } finally {
      this.refs--;
      if (this.refs === 0 && this.closeWhenIdle) this.closeNow();
    }
  }

  private acquire(): Promise<FileHandle> {
    if (this.handle) {
      if (this.evictable) this.handles.get(this);
      return Promise.resolve(this.handle);
    }
    if (this.opening) return this.opening;
    if (this.removed) return Promise.reject(new Error(`segment ${this.logPath} was removed`));
    this.closeWhenIdle = false;
    const mode = this.createOnOpen ? 'create' : 'read';
    this.createOnOpen = false;
    return this.adoptOpening(this.fs.open(this.logPath, mode));
  }

  /** The segment no longer receives appends: its handle may now be closed by the LRU. */
  makeEvictable(): void {
    this.evictable = true;
    if (this.handle) this.handles.set(this, true);
  }

  /** Called by the handle LRU: close as soon as no read uses the handle. */
  releaseHandle(): void {
    this.closeWhenIdle = true;
    if (this.refs === 0) this.closeNow();
  }

  /** Closes the handle (now, or when the last user finishes) and forgets the cache entry. */
  close(): void {
    this.handles.delete(this);
    this.releaseHandle();
  }

  private closeNow(): void {
    const h = this.handle;
    this.handle = null;
    this.closeWhenIdle = false;
    this.handles.delete(this);
    if (h) h.close().catch(() => {});
  }

  async write(buffers: readonly Buffer[], position: number): Promise<void> {
    await this.use((h) => writeFully(h, buffers, position));
  }

  async readAt(
    position: number,
    length: number,
    allocate?: (size: number) => Buffer,
  ): Promise<Buffer> {
    const buf = allocate ? allocate(length).subarray(0, length) : Buffer.allocUnsafe(length);
    const n = await this.use((h) => readFully(h, buf, 0, length, position));
    return n === length ? buf : buf.subarray(0, n);
  }

  /** fsyncs everything written so far; concurrent callers share one fsync. */
  async sync(): Promise<void> {
    while (this.syncing) await this.syncing.catch(() => {});
    // Not created yet: nothing was written, nothing to make durable.
    if (this.createOnOpen) return;
    const upTo = this.writtenSize;
    if (upTo <= this.syncedSize && !this.needsDirSync) return;
    this.syncing = (async () => {
      if (this.needsDirSync) {
        await this.fs.syncDir(this.dir);
        this.needsDirSync = false;
      }
      await this.use((h) => h.sync());
      if (upTo > this.syncedSize) this.syncedSize = upTo;
    })();
    try {
      await this.syncing;
    } finally {
      this.syncing = null;
    }
  }

  /**
   * Location of the first batch in [from, limit) whose last offset is >= `offset`, or null.
   * `from` comes from the offset index, so the scan covers about one index interval.
   */
  async findBatch(
    offset: number,
    from: number,
    limit: number,
    chunkSize: number,
  ): Promise<BatchLocation | null> {
    if (from >= limit) return null;
    let found: BatchLocation | null = null;
    await this.use((h) =>
      scanBatches(h, from, limit, { wholeBatch: false, chunkSize }, (buf, at, position, size) => {
        if (lastOffsetOf(buf, at) < offset) return false;
        found = { position, size };
        return true;
      }),
    );
    return found;
  }
}

/** Removes a segment's log and index files (with the given suffix). */
export async function deleteSegmentFiles(
  fs: FileOps,
  dir: string,
  baseOffset: number,
  suffix: FileSuffix = '',
): Promise<void> {
  for (const kind of SEGMENT_KINDS) await fs.unlink(segmentFile(dir, baseOffset, kind, suffix));
}
