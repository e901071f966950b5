/** Shared by the tiered-storage tests: a real local log in a temp dir under a RemoteLogManager. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBatch, BATCH_LOG_OVERHEAD, readInt64 } from '@tributary/kafka-protocol';
import {
  defaultLogConfig,
  openPartitionLog,
  type LogConfig,
  type PartitionLog,
} from '@tributary/log-store';
import { RemoteLogManager, type RemoteLogManagerOptions } from '../src/remote-log-manager.js';
import type { ObjectStore } from '../src/object-store.js';
import type { TieredLog } from '../src/tiered-log.js';

export const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

export function tieredConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return defaultLogConfig({
    segmentBytes: 2048,
    indexIntervalBytes: 256,
    retentionMs: -1,
    remoteStorageEnable: true,
    localRetentionMs: -2,
    localRetentionBytes: 0,
    ...overrides,
  });
}

export function batch(i: number, valueSize = 300): Buffer {
  return buildBatch({
    records: [
      { key: Buffer.from(`k${i}`), value: Buffer.alloc(valueSize, i % 251), timestampDelta: 0 },
    ],
    baseTimestamp: 1_000_000 + i * 1000,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
  });
}

export async function appendMany(log: PartitionLog, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const b = batch(i);
    const r = log.append({ records: b, batches: [{ start: 0, size: b.length }], now: Date.now() });
    if (!r.ok) throw new Error(`append failed: ${r.message}`);
    await r.written;
  }
  await log.flush(log.logEndOffset);
}

/** Offsets of every batch read from `from` to the high watermark (through remote and local). */
export async function readOffsets(log: PartitionLog, from: number): Promise<number[]> {
  const out: number[] = [];
  let offset = from;
  while (offset < log.highWatermark) {
    const r = await log.read(offset, 1500, { minOneBatch: true });
    if (!r.ok) throw new Error(`read at ${offset}: error ${r.errorCode}`);
    const buf = Buffer.concat(r.records);
    let at = 0;
    let progressed = false;
    while (at + 12 <= buf.length) {
      const size = buf.readInt32BE(at + 8) + BATCH_LOG_OVERHEAD;
      if (at + size > buf.length) break;
      const base = readInt64(buf, at);
      if (base >= offset) out.push(base);
      offset = base + 1;
      progressed = true;
      at += size;
    }
    if (!progressed) throw new Error(`no progress at ${offset}`);
  }
  return out;
}

export interface Fixture {
  dir: string;
  manager: RemoteLogManager;
  open(config?: LogConfig): Promise<TieredLog>;
  reopenManager(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function fixture(
  store: ObjectStore,
  overrides: Partial<RemoteLogManagerOptions> = {},
): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tiered-'));
  const make = () =>
    new RemoteLogManager({
      store,
      metadataDir: join(dir, 'remote-log-metadata'),
      keyPrefix: 'test/',
      clusterId: 'c1',
      taskIntervalMs: 60_000,
      chunkSize: 4096,
      cacheBytes: 64 * 1024,
      readAheadChunks: 2,
      logger: quietLogger,
      ...overrides,
    });
  const f: Fixture = {
    dir,
    manager: make(),
    async open(config = tieredConfig()) {
      const local = await openPartitionLog(join(dir, 'logs', 't-0'), config);
      return f.manager.attach(local, { label: 't-0', topicId: 'topicA', partition: 0 }, config);
    },
    async reopenManager() {
      f.manager = make();
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
  return f;
}
