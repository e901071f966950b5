import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tributary/kafka-protocol';
import { lastSequence, ProducerStateManager } from './producer-state.js';
import { openPartitionLog } from './open-log.js';
import { MemFileOps } from './fs/mem-fs.js';
import { appendBatches, makeBatch, readAll, smallConfig } from '../test/helpers.js';
import type { PartitionLog } from './partition-log.js';

const INT32_MAX = 0x7fff_ffff;

describe('ProducerStateManager', () => {
  function withBatches(...ranges: Array<[number, number, number]>): ProducerStateManager {
    const state = new ProducerStateManager();
    let offset = 0;
    for (const [epoch, firstSeq, lastSeq] of ranges) {
      const n = lastSeq - firstSeq + 1;
      state.record(
        7,
        epoch,
        { firstSeq, lastSeq, firstOffset: offset, lastOffset: offset + n - 1 },
        1,
      );
      offset += n;
    }
    return state;
  }

  it('wraps sequences past int32 max', () => {
    expect(lastSequence(0, 4)).toBe(4);
    expect(lastSequence(INT32_MAX, 0)).toBe(INT32_MAX);
    expect(lastSequence(INT32_MAX - 1, 3)).toBe(1);
    const state = withBatches([0, INT32_MAX - 1, INT32_MAX]);
    expect(state.begin().check(7, 0, 0, 3)).toEqual({ kind: 'ok' });
    expect(state.begin().check(7, 0, 1, 3).kind).toBe('error');
  });

  it('finds duplicates among the last five batches only', () => {
    const state = withBatches([0, 0, 1], [0, 2, 3], [0, 4, 5], [0, 6, 7], [0, 8, 9], [0, 10, 11]);
    expect(state.begin().check(7, 0, 2, 3)).toEqual({
      kind: 'duplicate',
      firstOffset: 2,
      lastOffset: 3,
    });
    expect(state.begin().check(7, 0, 10, 11)).toEqual({
      kind: 'duplicate',
      firstOffset: 10,
      lastOffset: 11,
    });
    // The oldest batch fell out of the window: it is now just out of order.
    expect(state.begin().check(7, 0, 0, 1)).toMatchObject({
      kind: 'error',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });

  it('fences older epochs and requires sequence 0 for a new one', () => {
    const state = withBatches([3, 0, 4]);
    expect(state.begin().check(7, 2, 5, 5)).toMatchObject({
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(state.begin().check(7, 4, 5, 5)).toMatchObject({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(state.begin().check(7, 4, 0, 0)).toEqual({ kind: 'ok' });
    // Unknown producers are accepted at any sequence (KIP-360, Kafka 2.5+).
    expect(state.begin().check(8, 0, 42, 42)).toEqual({ kind: 'ok' });
  });

  it('validates several batches of one append against each other without committing', () => {
    const state = withBatches([0, 0, 0]);
    const txn = state.begin();
    expect(txn.check(7, 0, 1, 2)).toEqual({ kind: 'ok' });
    txn.add(7, 0, { firstSeq: 1, lastSeq: 2, firstOffset: 1, lastOffset: 2 }, 5);
    expect(txn.check(7, 0, 3, 3)).toEqual({ kind: 'ok' });
    expect(txn.check(7, 0, 1, 2)).toMatchObject({ kind: 'duplicate' });
    expect(state.get(7)?.batches.length).toBe(1);
  });

  it('round-trips snapshots and rejects corrupt ones', () => {
    const state = withBatches([1, 0, 3], [1, 4, 9]);
    state.record(12, 0, { firstSeq: 0, lastSeq: 0, firstOffset: 10, lastOffset: 10 }, 99);
    const bytes = state.encodeSnapshot();
    const loaded = new ProducerStateManager();
    expect(loaded.loadSnapshot(bytes)).toBe(true);
    expect(loaded.get(7)).toEqual(state.get(7));
    expect(loaded.get(12)).toEqual(state.get(12));
    const bad = Buffer.from(bytes);
    bad[bad.length - 1] ^= 1;
    expect(new ProducerStateManager().loadSnapshot(bad)).toBe(false);
  });

  it('expires idle producers and drops those entirely below the log start', () => {
    const state = withBatches([0, 0, 9]);
    state.record(8, 0, { firstSeq: 0, lastSeq: 0, firstOffset: 50, lastOffset: 50 }, 1000);
    expect(state.expire(500, 100)).toBe(1);
    expect(state.get(7)).toBeUndefined();
    state.truncateHead(51);
    expect(state.size).toBe(0);
  });
});

function produce(log: PartitionLog, producerId: number, epoch: number, seq: number, count = 2) {
  return appendBatches(log, [
    makeBatch({ producerId, producerEpoch: epoch, baseSequence: seq, count }),
  ]);
}

describe('idempotent appends', () => {
  it('answers a retry with the original offsets and writes nothing', async () => {
    const log = await openPartitionLog('/p', smallConfig(), { fs: new MemFileOps() });
    const first = produce(log, 1, 0, 0);
    produce(log, 2, 0, 0, 5);
    const retry = produce(log, 1, 0, 0);
    expect(first).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 1, duplicate: false });
    expect(retry).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 1, duplicate: true });
    if (retry.ok) await retry.written;
    expect(log.logEndOffset).toBe(7);
    expect((await readAll(log, 0)).length).toBe(2);
    await log.close();
  });

  it('rejects fenced epochs and sequence gaps', async () => {
    const log = await openPartitionLog('/p', smallConfig(), { fs: new MemFileOps() });
    expect(produce(log, 1, 5, 0).ok).toBe(true);
    expect(produce(log, 1, 4, 2)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(produce(log, 1, 5, 3)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(produce(log, 1, 6, 2)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(produce(log, 1, 6, 0)).toMatchObject({ ok: true, baseOffset: 2 });
    expect(log.logEndOffset).toBe(4);
    await log.close();
  });

  it('rejects a whole request when one of its batches is out of order', async () => {
    const log = await openPartitionLog('/p', smallConfig(), { fs: new MemFileOps() });
    const r = appendBatches(log, [
      makeBatch({ producerId: 3, producerEpoch: 0, baseSequence: 0, count: 2 }),
      makeBatch({ producerId: 3, producerEpoch: 0, baseSequence: 5, count: 2 }),
    ]);
    expect(r).toMatchObject({ ok: false, errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(log.logEndOffset).toBe(0);
    expect(produce(log, 3, 0, 0)).toMatchObject({ ok: true, duplicate: false });
    await log.close();
  });

  it('keeps producer state across close and reopen (snapshot)', async () => {
    const fs = new MemFileOps();
    let log = await openPartitionLog('/p', smallConfig(), { fs });
    for (let seq = 0; seq < 60; seq += 2) produce(log, 1, 0, seq);
    await log.close();
    expect((await fs.readdir('/p')).some((n) => n.endsWith('.snapshot'))).toBe(true);
    log = await openPartitionLog('/p', smallConfig(), { fs });
    expect(produce(log, 1, 0, 58)).toMatchObject({ ok: true, duplicate: true, baseOffset: 58 });
    expect(produce(log, 1, 0, 62)).toMatchObject({ ok: false });
    expect(produce(log, 1, 0, 60)).toMatchObject({ ok: true, baseOffset: 60 });
    await log.close();
  });

  it('rebuilds producer state after a crash from the last snapshot plus the log', async () => {
    const fs = new MemFileOps();
    const config = smallConfig({ segmentBytes: 1500 });
    const log = await openPartitionLog('/p', config, { fs });
    for (let seq = 0; seq < 80; seq += 2) produce(log, 1, 0, seq);
    produce(log, 2, 3, 0);
    await log.flush(log.logEndOffset);
    const crashed = fs.crash();
    const reopened = await openPartitionLog('/p', config, { fs: crashed });
    expect(reopened.logEndOffset).toBe(82);
    expect(produce(reopened, 1, 0, 78)).toMatchObject({
      ok: true,
      duplicate: true,
      baseOffset: 78,
    });
    expect(produce(reopened, 2, 3, 0)).toMatchObject({ ok: true, duplicate: true, baseOffset: 80 });
    expect(produce(reopened, 2, 2, 2)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    await reopened.close();
  });

  it('forgets producers after producerIdExpirationMs', async () => {
    const log = await openPartitionLog('/p', smallConfig({ producerIdExpirationMs: 1000 }), {
      fs: new MemFileOps(),
    });
    produce(log, 1, 0, 0);
    await log.runMaintenance(2_000_000 + 500);
    expect(produce(log, 1, 0, 0)).toMatchObject({ duplicate: true });
    await log.runMaintenance(2_000_000 + 5000);
    // Unknown again: any sequence is accepted.
    expect(produce(log, 1, 0, 0)).toMatchObject({ ok: true, duplicate: false });
    await log.close();
  });
});
