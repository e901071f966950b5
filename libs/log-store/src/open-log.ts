/** Opening a partition log: configuration defaults, shared caches, recovery, producer state. */
import { initCompression } from '@tributary/kafka-protocol';
import type { FileOps } from './fs/file-ops.js';
import { nodeFileOps } from './fs/node-fs.js';
import type { LogConfig, PartitionLog } from './partition-log.js';
import { LruCache } from './lru-cache.js';
import { createIndexCache, type IndexCache } from './index-cache.js';
import { Segment, type HandleCache } from './segment.js';
import { loadSegments } from './recovery.js';
import { loadProducerState } from './producer-snapshots.js';
import { ProducerStateManager } from './producer-state.js';
import {
  hasCleanShutdownMarker,
  readCheckpoint,
  removeCleanShutdownMarker,
  writeCheckpoint,
} from './checkpoints.js';
import { Log } from './log.js';

/** Kafka's topic-level defaults. */
export function defaultLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return {
    segmentBytes: 1024 * 1024 * 1024,
    segmentMs: 7 * 24 * 3600 * 1000,
    retentionMs: 7 * 24 * 3600 * 1000,
    retentionBytes: -1,
    cleanupPolicy: 'delete',
    deleteRetentionMs: 24 * 3600 * 1000,
    minCompactionLagMs: 0,
    minCleanableDirtyRatio: 0.5,
    indexIntervalBytes: 4096,
    maxMessageBytes: 1024 * 1024 + 12,
    messageTimestampType: 'CreateTime',
    producerIdExpirationMs: 24 * 3600 * 1000,
    ...overrides,
  };
}

/** Caches shared by the logs of a process: they bound memory and open files across partitions. */
export interface LogCaches {
  indexes: IndexCache;
  handles: HandleCache;
}

export function createLogCaches(limits: { indexBytes: number; openFiles: number }): LogCaches {
  return {
    indexes: createIndexCache(limits.indexBytes),
    handles: new LruCache<Segment, true>(limits.openFiles, (seg) => seg.releaseHandle()),
  };
}

let sharedCaches: LogCaches | null = null;

/** 64 MiB of closed-segment indexes and 256 open closed-segment files per process. */
export function defaultLogCaches(): LogCaches {
  sharedCaches ??= createLogCaches({ indexBytes: 64 * 1024 * 1024, openFiles: 256 });
  return sharedCaches;
}

export interface OpenLogOptions {
  fs?: FileOps;
  /** Wall clock for maintenance-time decisions (append uses AppendInput.now). */
  now?: () => number;
  logger?: (msg: string) => void;
  caches?: LogCaches;
  /** Offset-map limit of one compaction pass (default 1,000,000 keys). */
  compactionMaxKeys?: number;
}

export function validateLogConfig(config: LogConfig): void {
  const positive: Array<keyof LogConfig> = [
    'segmentBytes',
    'indexIntervalBytes',
    'maxMessageBytes',
  ];
  for (const key of positive) {
    const v = config[key];
    if (typeof v !== 'number' || !(v > 0)) throw new RangeError(`${key} must be positive`);
  }
  if (config.segmentBytes > 0x7fff_ffff) throw new RangeError('segmentBytes must fit in int32');
}

/** Creates `dir` when missing, or opens and recovers the log in it. */
export async function openPartitionLog(
  dir: string,
  config: LogConfig,
  options: OpenLogOptions = {},
): Promise<PartitionLog> {
  validateLogConfig(config);
  const fs = options.fs ?? nodeFileOps;
  const logger = options.logger ?? (() => {});
  const caches = options.caches ?? defaultLogCaches();
  await initCompression();
  await fs.mkdir(dir);
  const clean = await hasCleanShutdownMarker(fs, dir);
  const recoveryPoint = (await readCheckpoint(fs, dir, 'recovery-point')) ?? 0;
  const startCheckpoint = (await readCheckpoint(fs, dir, 'log-start-offset')) ?? 0;
  const segments = await loadSegments({
    fs,
    dir,
    indexIntervalBytes: config.indexIntervalBytes,
    handles: caches.handles,
    logger,
    cleanShutdown: clean,
    recoveryPoint,
  });
  if (!clean && segments.length > 0) {
    logger(`${dir}: no clean shutdown marker, recovered from offset ${recoveryPoint}`);
  }
  if (segments.length === 0) {
    const seg = Segment.create(fs, dir, startCheckpoint, caches.handles);
    await seg.use(async () => {});
    await fs.syncDir(dir);
    seg.needsDirSync = false;
    segments.push(seg);
  }
  const active = segments[segments.length - 1];
  const logEndOffset = active.nextOffset;
  const logStartOffset = Math.min(Math.max(startCheckpoint, segments[0].baseOffset), logEndOffset);
  if (clean) await removeCleanShutdownMarker(fs, dir);
  else await writeCheckpoint(fs, dir, 'recovery-point', active.baseOffset);
  const producers = new ProducerStateManager();
  await loadProducerState(fs, dir, segments, logStartOffset, logEndOffset, producers, logger);
  const cleanerOffset = (await readCheckpoint(fs, dir, 'cleaner-offset')) ?? logStartOffset;
  return new Log(
    dir,
    config,
    {
      fs,
      now: options.now ?? Date.now,
      logger,
      indexes: caches.indexes,
      handles: caches.handles,
      compactionMaxKeys: options.compactionMaxKeys ?? 1_000_000,
    },
    { segments, logStartOffset, cleanerOffset, producers },
  );
}
