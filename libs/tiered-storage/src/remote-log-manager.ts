/**
 * The broker's tiered-storage service (Kafka's RemoteLogManager): wraps partition logs in
 * TieredLogs, runs the background copy pass every `taskIntervalMs`, cleans up interrupted
 * copies, deletes the remote data of deleted topics (resuming after a restart), and reports
 * the copy backlog.
 *
 * Copy pass, per partition with remote.storage.enable (one partition's segments strictly in
 * offset order, up to `copyConcurrency` partitions at once): clean up abandoned attempts,
 * then copy each closed segment past the last copied offset; after each confirmed copy the
 * local log may delete that segment (setTieredUpTo). A failure (S3 unreachable) stops that
 * partition's pass: nothing local is deleted, the backlog grows and is logged, and the next
 * pass retries with a fresh upload id. With a copy quota, each copy first waits until the
 * bytes copied so far are within it (byte-rate-quota.ts).
 *
 * Journals live in `metadataDir` as `<topicId>-<partition>.journal`; a journal whose topic no
 * longer exists (or that is marked deletePartition) means that topic's remote data must go.
 */
import { nodeFileOps, type FileOps, type LogConfig, type PartitionLog } from '@tributary/log-store';
import { ChunkCache } from './chunk-cache.js';
import { ByteRateQuota } from './byte-rate-quota.js';
import { MetadataJournal } from './metadata-journal.js';
import type { ObjectStore } from './object-store.js';
import { RemotePartition, type PartitionIdentity } from './remote-partition.js';
import { RemoteReader } from './remote-reader.js';
import { TieredLog, type CopyBacklog, type TieredLogLogger } from './tiered-log.js';

export interface RemoteLogManagerOptions {
  store: ObjectStore;
  /** Directory of the metadata journals (inside the broker's data directory). */
  metadataDir: string;
  /** Prepended to every key (may be ''); keys then start with clusters/{clusterId}/. */
  keyPrefix: string;
  clusterId: string;
  /** Pause between copy passes. */
  taskIntervalMs: number;
  /** Range-read size and the read-ahead cache's byte cap. */
  chunkSize: number;
  cacheBytes: number;
  readAheadChunks: number;
  /** Partitions copied at the same time. */
  copyConcurrency?: number;
  /** The copy quota over all partitions (byte-rate-quota.ts); absent = none. */
  copyBytesPerSecond?: number;
  /** The quota on bytes served from remote storage, over all partitions; absent = none. */
  fetchBytesPerSecond?: number;
  /** Longest wait for a remote read before a fetch is answered without it (default 500). */
  remoteFetchMaxWaitMs?: number;
  logger: TieredLogLogger;
  fs?: FileOps;
}

export interface TieredStorageStatus {
  /** Closed local segments waiting to be copied, over all partitions. */
  backlogSegments: number;
  backlogBytes: number;
  /** Bytes stored remotely over all partitions. */
  remoteBytes: number;
  /** Deleted topics' partitions whose remote data is still being removed. */
  pendingDeletions: number;
  /** The last copy or deletion error, null after a clean pass. */
  lastError: string | null;
  lastPassAt: string | null;
}

const journalName = (topicId: string, partition: number) => `${topicId}-${partition}.journal`;
const JOURNAL_RE = /^(.+)-(\d+)\.journal$/;
/** A repeated copy failure is logged at most this often. */
const FAILURE_LOG_INTERVAL_MS = 30_000;

export class RemoteLogManager {
  private readonly logs = new Set<TieredLog>();
  private readonly deletions = new Map<string, RemotePartition>();
  private readonly fs: FileOps;
  readonly reader: RemoteReader;
  readonly cache: ChunkCache;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | null = null;
  private closed = false;
  private lastError: string | null = null;
  private lastFailureLog = 0;
  private lastPassAt: string | null = null;
  private readonly copyQuota: ByteRateQuota | null;
  private readonly fetchQuota: ByteRateQuota | null;

  constructor(private readonly options: RemoteLogManagerOptions) {
    this.fs = options.fs ?? nodeFileOps;
    this.copyQuota = options.copyBytesPerSecond
      ? new ByteRateQuota(options.copyBytesPerSecond)
      : null;
    this.fetchQuota = options.fetchBytesPerSecond
      ? new ByteRateQuota(options.fetchBytesPerSecond)
      : null;
    this.cache = new ChunkCache(options.store, {
      chunkSize: options.chunkSize,
      maxBytes: options.cacheBytes,
      readAhead: options.readAheadChunks,
    });
    this.reader = new RemoteReader(
      options.store,
      this.cache,
      Math.max(1 << 20, options.cacheBytes / 8),
    );
  }

  private async partition(id: PartitionIdentity): Promise<RemotePartition> {
    const journal = await MetadataJournal.open(
      this.fs,
      this.options.metadataDir,
      journalName(id.topicId, id.partition),
    );
    return new RemotePartition(
      id,
      journal,
      this.options.store,
      this.options.keyPrefix,
      this.options.clusterId,
    );
  }

  /** Wraps an opened local log; the TieredLog copies only while its config enables tiering. */
  async attach(local: PartitionLog, id: PartitionIdentity, config: LogConfig): Promise<TieredLog> {
    const remote = await this.partition(id);
    const log = new TieredLog(local, remote, this.reader, config, this.options.logger, {
      remoteFetchMaxWaitMs: this.options.remoteFetchMaxWaitMs,
      fetchQuota: this.fetchQuota,
    });
    this.logs.add(log);
    return log;
  }

  /**
   * Finds journals of topics that no longer exist (deleted while the broker was down, or a
   * deletion interrupted by a crash) and queues their remote data for deletion.
   */
  async resumeDeletions(liveTopicIds: ReadonlySet<string>): Promise<void> {
    for (const name of await this.fs
      .readdir(this.options.metadataDir)
      .catch(() => [] as string[])) {
      const m = JOURNAL_RE.exec(name);
      if (!m) continue;
      const [, topicId, p] = m;
      const attached = [...this.logs].some(
        (l) => l.remote.id.topicId === topicId && l.remote.id.partition === Number(p),
      );
      if (attached && liveTopicIds.has(topicId)) continue;
      const remote = await this.partition({
        label: `${topicId}-${p}`,
        topicId,
        partition: Number(p),
      });
      if (!liveTopicIds.has(topicId) || remote.journal.deletePartition)
        this.deletions.set(name, remote);
    }
  }

  /** A deleted topic: its partitions' logs are closed; their remote data goes now or later. */
  async deleteTopic(logs: readonly PartitionLog[]): Promise<void> {
    const mine = logs.filter((l): l is TieredLog => l instanceof TieredLog && this.logs.has(l));
    for (const log of mine) {
      this.logs.delete(log);
      await log.idle();
      await log.remote.journal.recordDeletePartition();
      this.deletions.set(journalName(log.remote.id.topicId, log.remote.id.partition), log.remote);
    }
    await this.runDeletions();
  }

  /** Starts the periodic copy pass. */
  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.taskIntervalMs);
    this.timer.unref();
  }

  /** One copy-and-cleanup pass (overlapping calls share the running pass). */
  runOnce(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.pass ??= this.doPass().finally(() => {
      this.pass = null;
    });
    return this.pass;
  }

  private async doPass(): Promise<void> {
    let error: string | null = null;
    const queue = [...this.logs].filter((l) => l.tieringEnabled);
    const workers = Array.from(
      { length: Math.max(1, this.options.copyConcurrency ?? 4) },
      async () => {
        for (let log = queue.shift(); log; log = queue.shift()) {
          const problem = await log
            .exclusively(() => this.copyPartition(log))
            .catch((e: unknown) => (e as Error).message);
          if (problem) error ??= problem;
        }
      },
    );
    await Promise.all(workers);
    const deletionError = await this.runDeletions();
    error ??= deletionError;
    this.lastPassAt = new Date().toISOString();
    if (error) {
      const now = Date.now();
      if (error !== this.lastError || now - this.lastFailureLog > FAILURE_LOG_INTERVAL_MS) {
        const s = this.status();
        this.options.logger.warn(
          `tiered storage: ${error}; backlog ${s.backlogSegments} segment(s), ${s.backlogBytes} bytes kept locally until copied`,
        );
        this.lastFailureLog = now;
      }
    } else if (this.lastError) {
      this.options.logger.info('tiered storage: copies resumed, backlog cleared');
    }
    this.lastError = error;
  }

  /** Copies the partition's closed segments in order; returns the first failure, or null. */
  private async copyPartition(log: TieredLog): Promise<string | null> {
    const { remote, local } = log;
    const label = remote.id.label;
    for (const s of remote.abandoned(null)) {
      try {
        await remote.deleteSegment(s);
        this.options.logger.info(
          `${label}: removed abandoned copy ${s.uploadId} of segment ${s.baseOffset}`,
        );
      } catch (err) {
        return `cleaning up copy ${s.uploadId} of ${label} failed: ${(err as Error).message}`;
      }
    }
    const segments = await local.uploadableSegments();
    const pending = () => {
      const upTo = remote.copiedUpTo() ?? -1;
      const start = log.logStartOffset;
      return segments.filter((s) => s.nextOffset > upTo && s.nextOffset > start && s.sizeBytes > 0);
    };
    const backlog = (): CopyBacklog => {
      const p = pending();
      return { segments: p.length, bytes: p.reduce((n, s) => n + s.sizeBytes, 0) };
    };
    log.backlog = backlog();
    for (const segment of pending()) {
      if (!log.tieringEnabled) break;
      await this.copyQuota?.admit(() => this.closed || !log.tieringEnabled);
      if (this.closed || !log.tieringEnabled) break;
      try {
        const snapshot = await local.readProducerSnapshot(segment.nextOffset);
        const copied = await remote.copy(segment, snapshot);
        this.copyQuota?.record(segment.sizeBytes);
        local.setTieredUpTo(copied.endOffset + 1);
        log.backlog = backlog();
      } catch (err) {
        log.backlog = backlog();
        return `copying segment ${segment.baseOffset} of ${label} failed: ${(err as Error).message}`;
      }
    }
    return null;
  }

  private async runDeletions(): Promise<string | null> {
    let error: string | null = null;
    for (const [name, remote] of [...this.deletions]) {
      try {
        await remote.deleteAll();
        this.reader.evict(remote.prefix);
        this.deletions.delete(name);
        this.options.logger.info(`${remote.id.label}: remote data deleted`);
      } catch (err) {
        error ??= `deleting remote data of ${remote.id.label} failed: ${(err as Error).message}`;
      }
    }
    return error;
  }

  status(): TieredStorageStatus {
    let backlogSegments = 0;
    let backlogBytes = 0;
    let remoteBytes = 0;
    for (const l of this.logs) {
      backlogSegments += l.backlog.segments;
      backlogBytes += l.backlog.bytes;
      remoteBytes += l.remoteSizeBytes;
    }
    return {
      backlogSegments,
      backlogBytes,
      remoteBytes,
      pendingDeletions: this.deletions.size,
      lastError: this.lastError,
      lastPassAt: this.lastPassAt,
    };
  }

  /** Forgets a log that was closed for good (it is not copied any more). */
  detach(log: PartitionLog): void {
    if (log instanceof TieredLog) this.logs.delete(log);
  }

  /** Stops the pass timer and waits for a running pass. Logs are closed by their owner. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.pass;
    await Promise.all([...this.logs].map((l) => l.idle()));
    this.cache.close();
    this.options.store.close();
  }
}
