/**
 * kill -9 during an acks=all produce load: after restart every acknowledged batch is
 * readable at its acknowledged offset, byte for byte. Runs the real broker process.
 */
import { afterAll, expect, it } from 'vitest';
import {
  ApiKey,
  ErrorCode,
  batchSizeAt,
  buildBatch,
  makeFetchRequest,
  makeMetadataRequest,
  makeProduceRequest,
  readInt64,
  type FetchResponse,
  type MetadataResponse,
  type ProduceResponse,
} from '@tributary/kafka-protocol';
import { startBroker, type BrokerProcess } from '@tributary/testing';
import { RawClient } from './support/raw-client.js';

const TOPIC = 'durable';
const PARTITIONS = 4;
let broker: BrokerProcess | undefined;

afterAll(async () => {
  await broker?.dispose();
});

interface Acked {
  partition: number;
  offset: number;
  batch: Buffer;
}

async function producerLoop(port: number, id: number, acked: Acked[], stop: { now: boolean }): Promise<void> {
  const c = await RawClient.connect(port);
  let seq = 0;
  try {
    while (!stop.now) {
      const partition = (id + seq) % PARTITIONS;
      const batch = buildBatch({
        records: Array.from({ length: 5 }, (_, i) => ({ key: Buffer.from(`${id}-${seq}-${i}`), value: Buffer.alloc(200 + i, id) })),
      });
      seq++;
      const res = await c.call<ProduceResponse>(
        ApiKey.Produce,
        9,
        makeProduceRequest({ acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: batch }] }] }),
      );
      const p = res.responses[0].partitionResponses[0];
      if (p.errorCode !== ErrorCode.NONE) throw new Error(`produce failed with ${p.errorCode}`);
      acked.push({ partition, offset: p.baseOffset, batch });
    }
  } catch {
    // The broker was killed under us: requests in flight are simply not acknowledged.
  } finally {
    c.close();
  }
}

async function readAll(port: number, partition: number): Promise<Map<number, Buffer>> {
  const c = await RawClient.connect(port);
  const batches = new Map<number, Buffer>();
  let offset = 0;
  for (;;) {
    const res = await c.call<FetchResponse>(
      ApiKey.Fetch,
      12,
      makeFetchRequest({
        replicaId: -1,
        maxBytes: 4 << 20,
        minBytes: 0,
        topics: [{ topic: TOPIC, topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 4 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, replicaDirectoryId: '00000000-0000-0000-0000-000000000000' }] }],
      }),
    );
    const part = res.responses[0].partitions[0];
    expect(part.errorCode).toBe(ErrorCode.NONE);
    const data = part.records as Buffer;
    let pos = 0;
    while (pos + 12 <= data.length) {
      const size = batchSizeAt(data, pos);
      if (pos + size > data.length) break;
      const base = readInt64(data, pos);
      batches.set(base, data.subarray(pos, pos + size));
      offset = base + data.readInt32BE(pos + 23) + 1;
      pos += size;
    }
    if (offset >= part.highWatermark || pos === 0) break;
  }
  c.close();
  return batches;
}

it('keeps every acknowledged acks=all batch across kill -9', async () => {
  broker = await startBroker({ args: ['--set', `num.partitions=${PARTITIONS}`, '--set', 'log.segment.bytes=262144'] });
  const setup = await RawClient.connect(broker.port);
  const md = await setup.call<MetadataResponse>(ApiKey.Metadata, 12, makeMetadataRequest({ topics: [{ name: TOPIC, topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: true }));
  expect(md.topics[0].partitions).toHaveLength(PARTITIONS);
  setup.close();

  const acked: Acked[] = [];
  const stop = { now: false };
  const loops = Array.from({ length: 6 }, (_, id) => producerLoop(broker!.port, id, acked, stop));
  await new Promise((r) => setTimeout(r, 2500));
  await broker.kill();
  stop.now = true;
  await Promise.all(loops);
  expect(acked.length).toBeGreaterThan(50);

  await broker.restart();
  for (let p = 0; p < PARTITIONS; p++) {
    const stored = await readAll(broker.port, p);
    for (const a of acked.filter((x) => x.partition === p)) {
      const got = stored.get(a.offset);
      expect(got, `partition ${p} offset ${a.offset}`).toBeDefined();
      expect(got!.subarray(8).equals(a.batch.subarray(8))).toBe(true);
    }
  }
  const status = await broker.stop();
  expect(status.code).toBe(0);
}, 120_000);
