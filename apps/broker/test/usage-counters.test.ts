/**
 * Usage counters through GET /v1/usage: bytes in and out match the record batches clients
 * produced and consumed (hand-built batches and kafkajs), per topic and for the cluster;
 * requests per API and the gauges; the sequence grows per read; a restart starts a new
 * incarnation from zero and hands over the previous one's final counters until acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import {
  ApiKey,
  ErrorCode,
  buildBatch,
  makeFetchRequest,
  makeFetchRequestFetchPartition,
  makeFetchRequestFetchTopic,
  makeProduceRequest,
  type FetchResponse,
  type ProduceResponse,
} from '@tributary/kafka-protocol';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, admin } from './support/usage-meter.js';
import type { UsageReport } from '../src/usage/usage-service.js';

let tb: TestBroker;
let c: RawClient;

beforeAll(async () => {
  tb = await startTestBroker({}, undefined, 0, { adminToken: ADMIN_TOKEN });
  await tb.broker.context.topics.create('u-orders', 2, new Map());
  await tb.broker.context.topics.create('u-audit', 1, new Map());
  c = await RawClient.connect(tb.port);
});
afterAll(async () => {
  c.close();
  await tb.stop();
});

async function usage(): Promise<UsageReport> {
  const r = await admin(tb, 'GET', '/v1/usage');
  expect(r.status).toBe(200);
  return r.body as UsageReport;
}

const batch = (n: number, size: number): Buffer =>
  buildBatch({
    records: Array.from({ length: n }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.alloc(size, i),
    })),
  });

async function produce(topic: string, partition: number, records: Buffer): Promise<number> {
  const r = await c.call<ProduceResponse>(
    ApiKey.Produce,
    9,
    makeProduceRequest({
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    }),
  );
  return r.responses[0].partitionResponses[0].errorCode;
}

async function fetchAll(topic: string, partition: number): Promise<number> {
  const r = await c.call<FetchResponse>(
    ApiKey.Fetch,
    12,
    makeFetchRequest({
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 10_000_000,
      topics: [
        makeFetchRequestFetchTopic({
          topic,
          partitions: [
            makeFetchRequestFetchPartition({
              partition,
              fetchOffset: 0,
              partitionMaxBytes: 1_000_000,
              currentLeaderEpoch: -1,
              logStartOffset: -1,
            }),
          ],
        }),
      ],
    }),
  );
  const records = r.responses[0].partitions[0].records;
  return Buffer.isBuffer(records) ? records.length : Buffer.concat(records ?? []).length;
}

describe('usage counters', () => {
  const b1 = batch(10, 100);
  const b2 = batch(3, 1000);
  const b3 = batch(1, 50);

  it('count the batch bytes produced and fetched, per topic and for the cluster', async () => {
    expect(await produce('u-orders', 0, b1)).toBe(ErrorCode.NONE);
    expect(await produce('u-orders', 1, b2)).toBe(ErrorCode.NONE);
    expect(await produce('u-audit', 0, b3)).toBe(ErrorCode.NONE);
    // Refused: no such partition. Counted as a request, not as bytes.
    expect(await produce('u-audit', 7, b3)).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await fetchAll('u-orders', 0)).toBe(b1.length);

    const first = await usage();
    expect(first.sequence).toBe(1);
    expect(first.incarnation).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.topics['u-orders']).toEqual({
      bytesIn: b1.length + b2.length,
      bytesOut: b1.length,
      partitions: 2,
      storedBytes: b1.length + b2.length,
      storedBytesLocal: b1.length + b2.length,
      storedBytesRemote: 0,
    });
    expect(first.topics['u-audit']).toEqual({
      bytesIn: b3.length,
      bytesOut: 0,
      partitions: 1,
      storedBytes: b3.length,
      storedBytesLocal: b3.length,
      storedBytesRemote: 0,
    });
    expect(first.cluster).toMatchObject({
      bytesIn: b1.length + b2.length + b3.length,
      bytesOut: b1.length,
      requests: 5,
      requestsByApi: { Produce: 4, Fetch: 1 },
      activeConnections: 1,
      topics: 2,
      partitions: 3,
      storedBytes: b1.length + b2.length + b3.length,
      storedBytesLocal: b1.length + b2.length + b3.length,
      storedBytesRemote: 0,
      tieredBacklog: null,
    });
    expect(first.previous).toEqual([]);

    const second = await usage();
    expect(second.sequence).toBe(2);
    expect(second.incarnation).toBe(first.incarnation);
    expect(second.cluster.bytesIn).toBe(first.cluster.bytesIn);
  });

  it('match what kafkajs produced and consumed', async () => {
    const kafka = new Kafka({
      clientId: 'usage-kjs',
      brokers: [tb.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const admin_ = kafka.admin();
    await admin_.connect();
    await admin_.createTopics({ topics: [{ topic: 'u-kjs', numPartitions: 3 }] });
    await admin_.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic: 'u-kjs',
        messages: Array.from({ length: 10 }, (_, j) => ({
          key: `k${i}-${j}`,
          value: 'x'.repeat(100 + j),
        })),
      });
    }
    await producer.disconnect();
    const before = await usage();
    const stored = before.topics['u-kjs'];
    expect(stored.bytesIn).toBeGreaterThan(200 * 100);
    // Stored bytes are the logs' size on disk: the batches plus their index entries.
    const onDisk = tb.broker.context.topics
      .get('u-kjs')!
      .partitions.reduce((n, l) => n + l.sizeBytes, 0);
    expect(stored.storedBytes).toBe(onDisk);
    expect(stored.storedBytes).toBeGreaterThanOrEqual(stored.bytesIn);
    expect(stored.storedBytes).toBeLessThan(stored.bytesIn + 1000);

    const consumer = kafka.consumer({ groupId: 'usage-kjs-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'u-kjs', fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async () => {
          if (++seen === 200) resolve();
        },
      });
    });
    await consumer.disconnect();
    const after = await usage();
    // Each batch went out exactly once: what was consumed is what was produced.
    expect(after.topics['u-kjs'].bytesOut).toBe(stored.bytesIn);
    expect(after.cluster.bytesOut - before.cluster.bytesOut).toBe(stored.bytesIn);
    expect(after.cluster.requestsByApi.JoinGroup).toBeGreaterThan(0);
  }, 60_000);

  it('start a new incarnation from zero after a restart and hand over the final counters', async () => {
    const last = await usage();
    const finalCounters = tb.broker.context.usage.counters.snapshot();
    c.close();
    tb = await tb.restart();
    c = await RawClient.connect(tb.port);
    const fresh = await usage();
    expect(fresh.incarnation).not.toBe(last.incarnation);
    expect(fresh.sequence).toBe(1);
    expect(fresh.cluster).toMatchObject({ bytesIn: 0, bytesOut: 0, requests: 0 });
    // Gauges come from the logs, not from the counters.
    expect(fresh.topics['u-orders'].bytesIn).toBe(0);
    expect(fresh.topics['u-orders'].storedBytes).toBeGreaterThanOrEqual(b1.length + b2.length);
    expect(fresh.previous).toHaveLength(1);
    expect(fresh.previous[0]).toMatchObject({
      incarnation: last.incarnation,
      sequence: last.sequence,
      final: true,
      ...finalCounters,
    });

    // Offered on every read until acknowledged; acknowledging is idempotent.
    expect((await usage()).previous).toHaveLength(1);
    const path = `/v1/usage/previous/${last.incarnation}`;
    expect((await admin(tb, 'DELETE', path)).status).toBe(204);
    expect((await admin(tb, 'DELETE', path)).status).toBe(204);
    expect((await usage()).previous).toEqual([]);
    expect((await admin(tb, 'DELETE', `/v1/usage/previous/${fresh.incarnation}`)).status).toBe(400);
    expect((await admin(tb, 'DELETE', '/v1/usage/previous/..%2Flimits')).status).toBe(400);
  });
});
