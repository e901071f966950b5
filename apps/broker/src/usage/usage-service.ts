/**
 * Usage metering for one broker process: cumulative counters of this incarnation, gauges read
 * at snapshot time, and the persisted records of earlier incarnations not yet collected.
 * The collector's algorithm and the loss bounds are in usage/README.md.
 *
 * Every write of this incarnation's record (a read, the periodic flush, the final one at stop)
 * runs through one queue and snapshots the counters when its turn comes, so the file only
 * ever moves forward and a read's answer is on disk before it is sent.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { ConnectionRegistry } from '../server/connection-registry.js';
import type { DataDir } from '../storage/data-dir.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { type ClusterCounters, type TopicCounters, UsageCounters } from './usage-counters.js';
import { type IncarnationRecord, UsageStore, isIncarnationId } from './usage-store.js';

/** Unacknowledged earlier incarnations kept at most; older ones are dropped (with a warning). */
export const MAX_PREVIOUS_INCARNATIONS = 100;

export interface TopicUsage extends TopicCounters {
  partitions: number;
  /** Local + remote (tiered) bytes. */
  storedBytes: number;
  storedBytesLocal: number;
  storedBytesRemote: number;
}

export interface UsageReport {
  incarnation: string;
  startedAt: string;
  /** +1 per read, from 1, within this incarnation. */
  sequence: number;
  takenAt: string;
  cluster: ClusterCounters & {
    activeConnections: number;
    topics: number;
    partitions: number;
    /** Local + remote (tiered) bytes. */
    storedBytes: number;
    storedBytesLocal: number;
    storedBytesRemote: number;
    /** Tiered storage: closed segments waiting for their copy to S3 (null without it). */
    tieredBacklog: { segments: number; bytes: number; lastError: string | null } | null;
  };
  topics: Record<string, TopicUsage>;
  /** Final (or last saved) counters of earlier incarnations, until acknowledged. */
  previous: IncarnationRecord[];
}

export interface UsageSources {
  topics: TopicManager;
  connections: ConnectionRegistry;
}

export class UsageService {
  readonly counters = new UsageCounters();
  readonly incarnation = randomUUID();
  readonly startedAt = new Date().toISOString();
  private sequence = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly store: UsageStore,
    private readonly sources: UsageSources,
    private previous: IncarnationRecord[],
    private readonly log: Logger,
  ) {}

  /** Loads earlier incarnations' records and writes this one's first (empty) record. */
  static async open(
    dir: DataDir,
    sources: UsageSources,
    flushIntervalMs: number,
    log: Logger,
  ): Promise<UsageService> {
    const store = new UsageStore(dir);
    let previous = await store.list();
    if (previous.length > MAX_PREVIOUS_INCARNATIONS) {
      const dropped = previous.slice(0, previous.length - MAX_PREVIOUS_INCARNATIONS);
      for (const r of dropped) await store.remove(r.incarnation);
      log.warn(
        `usage: dropped the uncollected counters of ${dropped.length} old incarnation(s) (more than ${MAX_PREVIOUS_INCARNATIONS} waiting)`,
      );
      previous = previous.slice(-MAX_PREVIOUS_INCARNATIONS);
    }
    const service = new UsageService(store, sources, previous, log);
    await service.enqueue(() => service.save(false));
    if (flushIntervalMs > 0) {
      service.timer = setInterval(() => void service.flush(), flushIntervalMs);
      service.timer.unref();
    }
    log.info(
      `usage: incarnation ${service.incarnation}; ${previous.length} earlier incarnation(s) awaiting collection`,
    );
    return service;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private record(final: boolean): IncarnationRecord {
    return {
      incarnation: this.incarnation,
      startedAt: this.startedAt,
      sequence: this.sequence,
      savedAt: new Date().toISOString(),
      final,
      ...this.counters.snapshot(),
    };
  }

  private async save(final: boolean): Promise<IncarnationRecord> {
    const record = this.record(final);
    await this.store.save(record);
    return record;
  }

  /** Periodic persistence: bounds what a crash can lose to one interval of counts. */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.enqueue(async () => {
      try {
        await this.save(false);
      } catch (err) {
        this.log.error(`usage: saving counters failed: ${(err as Error).message}`);
      }
    });
  }

  /** One read by a collector: the next sequence number, persisted before it is returned. */
  read(): Promise<UsageReport> {
    return this.enqueue(async () => {
      this.sequence++;
      const record = await this.save(false);
      return this.report(record);
    });
  }

  private report(record: IncarnationRecord): UsageReport {
    const topics: Record<string, TopicUsage> = {};
    for (const [name, c] of Object.entries(record.topics))
      topics[name] = {
        ...c,
        partitions: 0,
        storedBytes: 0,
        storedBytesLocal: 0,
        storedBytesRemote: 0,
      };
    let partitions = 0;
    let storedBytesLocal = 0;
    let storedBytesRemote = 0;
    const live = this.sources.topics.list();
    for (const t of live) {
      let local = 0;
      let remote = 0;
      for (const log of t.partitions) {
        local += log.sizeBytes;
        remote += log.remoteSizeBytes;
      }
      partitions += t.partitions.length;
      storedBytesLocal += local;
      storedBytesRemote += remote;
      topics[t.name] = {
        ...(topics[t.name] ?? { bytesIn: 0, bytesOut: 0 }),
        partitions: t.partitions.length,
        storedBytes: local + remote,
        storedBytesLocal: local,
        storedBytesRemote: remote,
      };
    }
    const tiered = this.sources.topics.tiered?.status();
    const sorted: Record<string, TopicUsage> = {};
    for (const name of Object.keys(topics).sort()) sorted[name] = topics[name];
    return {
      incarnation: record.incarnation,
      startedAt: record.startedAt,
      sequence: record.sequence,
      takenAt: record.savedAt,
      cluster: {
        ...record.cluster,
        activeConnections: this.sources.connections.size,
        topics: live.length,
        partitions,
        storedBytes: storedBytesLocal + storedBytesRemote,
        storedBytesLocal,
        storedBytesRemote,
        tieredBacklog: tiered
          ? {
              segments: tiered.backlogSegments,
              bytes: tiered.backlogBytes,
              lastError: tiered.lastError,
            }
          : null,
      },
      topics: sorted,
      previous: this.previous,
    };
  }

  /**
   * A collector has stored an earlier incarnation's counters: forget them. Idempotent; false
   * when there was no such incarnation waiting. The running incarnation cannot be dropped.
   */
  acknowledge(incarnation: string): Promise<boolean> {
    return this.enqueue(async () => {
      if (!isIncarnationId(incarnation) || incarnation === this.incarnation) return false;
      const waiting = this.previous.some((r) => r.incarnation === incarnation);
      this.previous = this.previous.filter((r) => r.incarnation !== incarnation);
      const removed = await this.store.remove(incarnation);
      return waiting || removed;
    });
  }

  /** Clean stop: the final counters, marked final, once every request has been answered. */
  close(): Promise<void> {
    clearInterval(this.timer);
    if (this.closed) return this.queue.then(() => undefined);
    this.closed = true;
    return this.enqueue(async () => {
      await this.save(true);
    });
  }
}
