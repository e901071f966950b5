/**
 * Remote fetches through TieredLog → RemoteReader → ChunkCache over the in-memory store:
 * byte-identical batches and Kafka's size rules, read-ahead into the next segment, an S3
 * failure during read-ahead answered as a retriable error, and a slow S3 answered within
 * remote.fetch.max.wait.ms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_LOG_OVERHEAD, ErrorCode, readInt64 } from '@tributary/kafka-protocol';
import type { PartitionLog } from '@tributary/log-store';
import { MemObjectStore } from './mem-object-store.js';
import type { TieredLog } from './tiered-log.js';
import { appendMany, fixture, tieredConfig, type Fixture } from '../test/fixtures.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

const CHUNK = 1024;
const config = tieredConfig({ segmentBytes: 8192 });

/** Every batch's bytes by base offset, read from `from` to the high watermark. */
async function batches(log: PartitionLog, from = 0): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  let offset = from;
  while (offset < log.highWatermark) {
    const r = await log.read(offset, 1500, { minOneBatch: true });
    if (!r.ok) throw new Error(`read at ${offset}: error ${r.errorCode}`);
    expect(r.pending).toBeUndefined();
    const buf = Buffer.concat(r.records);
    let at = 0;
    while (at + 12 <= buf.length) {
      const size = buf.readInt32BE(at + 8) + BATCH_LOG_OVERHEAD;
      if (at + size > buf.length) break;
      out.set(readInt64(buf, at), Buffer.from(buf.subarray(at, at + size)));
      offset = readInt64(buf, at) + 1;
      at += size;
    }
  }
  return out;
}

/** A partition of 60 batches (~370 bytes each, ~22 per segment), all but the active segment remote. */
async function tiered(
  store: MemObjectStore,
  remoteFetchMaxWaitMs = 5_000,
): Promise<{ log: TieredLog; local: Map<number, Buffer> }> {
  f = await fixture(store, {
    chunkSize: CHUNK,
    cacheBytes: 16 * CHUNK,
    readAheadChunks: 4,
    remoteFetchMaxWaitMs,
  });
  const log = await f.open(config);
  await appendMany(log, 0, 60);
  const local = await batches(log);
  await f.manager.runOnce();
  await log.runMaintenance(Date.now());
  expect(log.localLogStartOffset).toBeGreaterThan(40);
  return { log, local };
}

/** Offset of a remote batch whose bytes start at or after `position` of the first segment. */
function offsetAtPosition(local: Map<number, Buffer>, position: number): number {
  let at = 0;
  for (const [offset, b] of [...local].sort(([a], [c]) => a - c)) {
    if (at >= position) return offset;
    at += b.length;
  }
  throw new Error(`no batch at ${position}`);
}

describe('remote fetch', () => {
  it('returns the same batch bytes as the local log did, within maxBytes, at least one batch', async () => {
    const store = new MemObjectStore();
    const { log, local } = await tiered(store);
    const remote = await batches(log);
    expect([...remote.keys()]).toEqual([...local.keys()]);
    for (const [offset, b] of local) expect(remote.get(offset)!.equals(b)).toBe(true);

    const batchSize = local.get(0)!.length;
    for (const maxBytes of [batchSize * 2 + 10, 5000]) {
      const r = await log.read(5, maxBytes, { minOneBatch: true });
      if (!r.ok) throw new Error('read failed');
      const size = r.records.reduce((n, b) => n + b.length, 0);
      expect(size).toBeLessThanOrEqual(maxBytes);
      expect(readInt64(r.records[0], 0)).toBe(5);
    }
    // KIP-74: the first batch whole even when larger than maxBytes, unless it is not the first.
    const one = await log.read(5, 100, { minOneBatch: true });
    expect(one.ok && Buffer.concat(one.records).equals(local.get(5)!)).toBe(true);
    const none = await log.read(5, 100, { minOneBatch: false });
    expect(none.ok && none.records).toEqual([]);
    // Copied into the caller's buffers when it supplies them.
    const sizes: number[] = [];
    const copied = await log.read(5, 5000, {
      minOneBatch: true,
      allocate: (n) => (sizes.push(n), Buffer.alloc(n)),
    });
    expect(copied.ok && copied.records.length).toBe(1);
    expect(sizes.length).toBe(1);
    await log.close();
  });

  it('reads ahead into the next remote segment near the end of one', async () => {
    const store = new MemObjectStore();
    const { log, local } = await tiered(store);
    const [first, second] = log.remote.copied();
    const nextLog = log.remote.keyOf(second, 'log');
    const nearEnd = offsetAtPosition(local, first.segmentBytes - 2 * CHUNK);
    expect(nearEnd).toBeLessThanOrEqual(first.endOffset);
    await log.read(nearEnd, 500, { minOneBatch: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(store.ranges.some((r) => r.key === nextLog && r.start === 0)).toBe(true);
    expect(store.ranges.some((r) => r.key === log.remote.keyOf(second, 'index'))).toBe(true);
    const r = await log.read(second.baseOffset, 500, { minOneBatch: true });
    expect(r.ok && readInt64(r.records[0], 0)).toBe(second.baseOffset);
    // Its index and first chunk were fetched once, ahead of the read (which moved the window on).
    const fetched = (key: string) => store.ranges.filter((g) => g.key === key && g.start === 0);
    expect(fetched(nextLog).length).toBe(1);
    expect(fetched(log.remote.keyOf(second, 'index')).length).toBe(1);
    await log.close();
  });

  it('answers KAFKA_STORAGE_ERROR when a read-ahead GET it waits for fails, then serves the retry', async () => {
    const store = new MemObjectStore();
    const { log, local } = await tiered(store);
    await log.read(0, 500, { minOneBatch: true }); // index + chunks 0-4 cached
    await new Promise((r) => setTimeout(r, 10));
    store.holdGets();
    const inChunk4 = offsetAtPosition(local, 4 * CHUNK + 10);
    const inChunk5 = offsetAtPosition(local, 5 * CHUNK + 10);
    const hit = await log.read(inChunk4, 500, { minOneBatch: true }); // read-ahead 5.. held
    expect(hit.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(store.getsInFlight).toBeGreaterThan(0);
    const waiting = log.read(inChunk5, 500, { minOneBatch: true });
    await new Promise((r) => setTimeout(r, 10));
    store.failHeldGets('connection reset by S3');
    const failed = await waiting;
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    store.releaseGets();
    const retry = await log.read(inChunk5, 500, { minOneBatch: true });
    expect(
      retry.ok && Buffer.concat(retry.records).subarray(0, local.get(inChunk5)!.length),
    ).toEqual(local.get(inChunk5));
    await log.close();
  });

  it('answers empty within remote.fetch.max.wait.ms while S3 is slow, and the read lands in the cache', async () => {
    const store = new MemObjectStore();
    const { log, local } = await tiered(store, 50);
    await log.read(0, 500, { minOneBatch: true });
    await new Promise((r) => setTimeout(r, 10));
    store.holdGets();
    const far = offsetAtPosition(local, 7 * CHUNK + 10); // beyond the read-ahead window
    const t0 = Date.now();
    const r = await log.read(far, 500, { minOneBatch: true });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(r.ok && r.records).toEqual([]);
    expect(r.ok && r.pending).toBeInstanceOf(Promise);
    store.releaseGets();
    await (r.ok && r.pending);
    const gets = store.calls.get;
    const again = await log.read(far, 500, { minOneBatch: true });
    expect(again.ok && readInt64(again.records[0], 0)).toBe(far);
    expect(store.calls.get).toBe(gets);
    await log.close();
  });

  it('with the remote wait budget of the fetch spent, answers empty at once but still serves cached bytes', async () => {
    const store = new MemObjectStore();
    const { log, local } = await tiered(store, 3_000);
    await log.read(0, 500, { minOneBatch: true });
    store.holdGets();
    const far = offsetAtPosition(local, 7 * CHUNK + 10);
    const t0 = Date.now();
    const spent = await log.read(far, 500, { minOneBatch: true, remoteWaitMs: 0 });
    expect(Date.now() - t0).toBeLessThan(1_500); // not the log's 3 s
    expect(spent.ok && spent.records).toEqual([]);
    expect(spent.ok && spent.pending).toBeInstanceOf(Promise);
    const cached = await log.read(0, 500, { minOneBatch: true, remoteWaitMs: 0 });
    expect(cached.ok && readInt64(cached.records[0], 0)).toBe(0);
    store.releaseGets();
    await (spent.ok && spent.pending);
    await log.close();
  });
});
