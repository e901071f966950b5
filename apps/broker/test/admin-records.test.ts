/**
 * DeleteRecords, OffsetForLeaderEpoch, DescribeLogDirs and DescribeCluster against an
 * in-process broker, with kafkajs, @platformatic/kafka and raw requests: low watermarks that
 * move (and survive a restart), epoch-0 end offsets, partition sizes on disk, and the cluster
 * as one broker that is also the controller.
 */
import { Admin as PlatformaticAdmin } from '@platformatic/kafka';
import {
  ApiKey,
  ErrorCode,
  decodeRecords,
  makeDeleteRecordsRequest,
  makeDescribeClusterRequest,
  makeDescribeLogDirsRequest,
  makeFetchRequest,
  makeFetchRequestFetchPartition,
  makeFetchRequestFetchTopic,
  makeOffsetForLeaderEpochRequest,
  makeOffsetForLeaderEpochRequestOffsetForLeaderPartition,
  type DeleteRecordsResponse,
  type DescribeClusterResponse,
  type DescribeLogDirsResponse,
  type FetchResponse,
  type OffsetForLeaderEpochResponse,
} from '@tributary/kafka-protocol';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CLUSTER_OPERATIONS } from '../src/api/03-metadata.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { RawClient } from './support/raw-client.js';

const { Kafka, logLevel } = kafkajs;

let tb: TestBroker;
let admin: kafkajs.Admin;
let raw: RawClient;

async function produce(topic: string, partition: number, count: number): Promise<void> {
  const producer = new Kafka({
    clientId: 'records-producer',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  for (let i = 0; i < count; i++) {
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: `k${i}`, value: `value-${i}`, partition }],
    });
  }
  await producer.disconnect();
}

beforeAll(async () => {
  tb = await startTestBroker();
  admin = new Kafka({
    clientId: 'admin-records-test',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  await admin.connect();
  raw = await RawClient.connect(tb.port);
  await admin.createTopics({
    topics: [
      { topic: 'records', numPartitions: 2 },
      { topic: 'compacted', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
  await produce('records', 0, 10);
  await produce('records', 1, 3);
  await produce('compacted', 0, 2);
});

afterAll(async () => {
  raw.close();
  await admin.disconnect();
  await tb.stop();
});

function deleteRaw(
  topic: string,
  partitions: Array<[number, number]>,
): Promise<DeleteRecordsResponse> {
  return raw.call<DeleteRecordsResponse>(
    ApiKey.DeleteRecords,
    2,
    makeDeleteRecordsRequest({
      topics: [
        {
          name: topic,
          partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })),
        },
      ],
      timeoutMs: 1000,
    }),
  );
}

describe('DeleteRecords', () => {
  it('moves the low watermark (kafkajs deleteTopicRecords)', async () => {
    // kafkajs looks partition leaders up in its cached metadata, which holds only the topics
    // it has been asked about (with Apache Kafka too): fetch it first.
    await admin.fetchTopicMetadata({ topics: ['records'] });
    await admin.deleteTopicRecords({
      topic: 'records',
      partitions: [{ partition: 0, offset: '4' }],
    });
    const offsets = await admin.fetchTopicOffsets('records');
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: '4', high: '10' });
    expect(offsets.find((o) => o.partition === 1)).toMatchObject({ low: '0', high: '3' });
  });

  it('leaves the start alone for an offset below it and reads -1 as the high watermark', async () => {
    const below = await deleteRaw('records', [[0, 2]]);
    expect(below.topics[0].partitions[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      lowWatermark: 4,
    });
    const pa = new PlatformaticAdmin({ clientId: 'records-plt', bootstrapBrokers: [tb.bootstrap] });
    try {
      const [deleted] = await pa.deleteRecords({
        topics: [{ name: 'records', partitions: [{ partition: 1, offset: -1n }] }],
      });
      expect(deleted.partitions).toEqual([{ partition: 1, lowWatermark: 3n }]);
    } finally {
      await pa.close();
    }
  });

  it('refuses offsets beyond the high watermark or negative with OFFSET_OUT_OF_RANGE', async () => {
    try {
      await admin.deleteTopicRecords({
        topic: 'records',
        partitions: [{ partition: 0, offset: '11' }],
      });
      throw new Error('expected a failure');
    } catch (err) {
      // kafkajs wraps its DeleteTopicRecords error in a KafkaJSNonRetriableError (cause).
      const { partitions } = (err as { cause: unknown }).cause as {
        partitions: Array<{ partition: number; error: { type: string } }>;
      };
      expect(partitions.map((p) => [p.partition, p.error.type])).toEqual([
        [0, 'OFFSET_OUT_OF_RANGE'],
      ]);
    }
    const res = await deleteRaw('records', [
      [0, 1000],
      [0, -5],
      [7, 1],
    ]);
    expect(
      res.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode, p.lowWatermark]),
    ).toEqual([
      [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
      [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1],
      [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1],
    ]);
    expect((await admin.fetchTopicOffsets('records')).find((o) => o.partition === 0)?.low).toBe(
      '4',
    );
  });

  it('refuses compacted topics with POLICY_VIOLATION and unknown topics with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect((await deleteRaw('compacted', [[0, 1]])).topics[0].partitions[0]).toMatchObject({
      errorCode: ErrorCode.POLICY_VIOLATION,
      lowWatermark: -1,
    });
    expect((await deleteRaw('nowhere', [[0, 1]])).topics[0].partitions[0].errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it('makes fetches below the new start OFFSET_OUT_OF_RANGE and serves from it', async () => {
    const fetchAt = (fetchOffset: number) =>
      raw.call<FetchResponse>(
        ApiKey.Fetch,
        12,
        makeFetchRequest({
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1_000_000,
          topics: [
            makeFetchRequestFetchTopic({
              topic: 'records',
              partitions: [
                makeFetchRequestFetchPartition({
                  partition: 0,
                  fetchOffset,
                  partitionMaxBytes: 1_000_000,
                  currentLeaderEpoch: -1,
                  logStartOffset: -1,
                }),
              ],
            }),
          ],
        }),
      );
    const below = (await fetchAt(0)).responses[0].partitions[0];
    expect(below).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, logStartOffset: 4 });
    const from = (await fetchAt(4)).responses[0].partitions[0];
    expect(from.errorCode).toBe(ErrorCode.NONE);
    const batches = from.records as Buffer;
    expect(batches.readBigInt64BE(0)).toBe(4n); // base offset of the first batch returned
    const first = batches.subarray(0, 12 + batches.readInt32BE(8));
    expect(decodeRecords(first).map((r) => r.value?.toString())).toEqual(['value-4']);
  });
});

function epochRequest(
  version: number,
  partitions: Array<{ partition: number; leaderEpoch: number; currentLeaderEpoch?: number }>,
  topic = 'records',
) {
  return raw.call<OffsetForLeaderEpochResponse>(
    ApiKey.OffsetForLeaderEpoch,
    version,
    makeOffsetForLeaderEpochRequest({
      replicaId: -1,
      topics: [
        {
          topic,
          partitions: partitions.map((p) =>
            makeOffsetForLeaderEpochRequestOffsetForLeaderPartition(p),
          ),
        },
      ],
    }),
  );
}

describe('OffsetForLeaderEpoch', () => {
  it('ends epoch 0 at the log end offset and leaves later epochs undefined', async () => {
    const res = await epochRequest(4, [
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: 0 },
      { partition: 1, leaderEpoch: 0 },
      { partition: 0, leaderEpoch: 3 },
      { partition: 0, leaderEpoch: -1 },
    ]);
    expect(
      res.topics[0].partitions.map((p) => [p.partition, p.errorCode, p.leaderEpoch, p.endOffset]),
    ).toEqual([
      [0, ErrorCode.NONE, 0, 10],
      [1, ErrorCode.NONE, 0, 3],
      [0, ErrorCode.NONE, -1, -1],
      [0, ErrorCode.NONE, -1, -1],
    ]);
  });

  it('checks the current leader epoch and the partition', async () => {
    const res = await epochRequest(4, [
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: 1 },
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: -2 },
      { partition: 9, leaderEpoch: 0 },
    ]);
    expect(res.topics[0].partitions.map((p) => p.errorCode)).toEqual([
      ErrorCode.UNKNOWN_LEADER_EPOCH,
      ErrorCode.FENCED_LEADER_EPOCH,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    const missing = await epochRequest(2, [{ partition: 0, leaderEpoch: 0 }], 'nowhere');
    expect(missing.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('answers v0 with the end offset only', async () => {
    const res = await epochRequest(0, [{ partition: 0, leaderEpoch: 0 }]);
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, endOffset: 10 });
  });
});

describe('DescribeLogDirs', () => {
  it('lists partition sizes and disk space (@platformatic/kafka, v4)', async () => {
    const pa = new PlatformaticAdmin({ clientId: 'logdirs-plt', bootstrapBrokers: [tb.bootstrap] });
    try {
      const [described] = await pa.describeLogDirs({
        topics: [
          { name: 'records', partitions: [0, 1, 9] },
          { name: 'nowhere', partitions: [0] },
        ],
      });
      expect(described.broker).toBe(1);
      expect(described.results).toHaveLength(1);
      const dir = described.results[0];
      expect(dir.logDir).toBe(`${tb.dataDir}/logs`);
      expect(dir.totalBytes).toBeGreaterThan(0n);
      expect(dir.usableBytes).toBeGreaterThan(0n);
      expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes);
      expect(dir.topics).toHaveLength(1);
      expect(
        dir.topics[0].partitions.map((p) => [p.partitionIndex, p.offsetLag, p.isFutureKey]),
      ).toEqual([
        [0, 0n, false],
        [1, 0n, false],
      ]);
      expect(dir.topics[0].partitions[0].partitionSize).toBeGreaterThan(0n);
      for (const p of dir.topics[0].partitions) {
        expect(p.partitionSize).toBe(
          BigInt(tb.broker.context.topics.partition('records', p.partitionIndex)!.sizeBytes),
        );
      }
    } finally {
      await pa.close();
    }
  });

  it('lists every partition for a null topic list; v0 has no disk totals', async () => {
    const res = await raw.call<DescribeLogDirsResponse>(
      ApiKey.DescribeLogDirs,
      0,
      makeDescribeLogDirsRequest({ topics: null }),
    );
    const topics = res.results[0].topics.map((t) => [t.name, t.partitions.length]).sort();
    expect(topics).toEqual([
      ['compacted', 1],
      ['records', 2],
    ]);
    expect(res.results[0].totalBytes).toBe(-1);
  });
});

describe('DescribeCluster', () => {
  it('reports this broker as the cluster and its controller', async () => {
    const res = await raw.call<DescribeClusterResponse>(
      ApiKey.DescribeCluster,
      1,
      makeDescribeClusterRequest({ includeClusterAuthorizedOperations: true, endpointType: 1 }),
    );
    expect(res).toMatchObject({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      clusterId: tb.broker.context.clusterId,
      controllerId: 1,
      endpointType: 1,
      clusterAuthorizedOperations: ALL_CLUSTER_OPERATIONS,
      brokers: [{ brokerId: 1, host: '127.0.0.1', port: tb.port, rack: null }],
    });
    const v0 = await raw.call<DescribeClusterResponse>(
      ApiKey.DescribeCluster,
      0,
      makeDescribeClusterRequest(),
    );
    expect(v0.clusterAuthorizedOperations).toBe(-2147483648);
    const cluster = await admin.describeCluster();
    expect(cluster).toMatchObject({
      clusterId: tb.broker.context.clusterId,
      controller: 1,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: tb.port }],
    });
  });

  it('refuses controller and unknown endpoint types', async () => {
    const controller = await raw.call<DescribeClusterResponse>(
      ApiKey.DescribeCluster,
      1,
      makeDescribeClusterRequest({ endpointType: 2 }),
    );
    expect(controller.errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
    const unknown = await raw.call<DescribeClusterResponse>(
      ApiKey.DescribeCluster,
      1,
      makeDescribeClusterRequest({ endpointType: 7 }),
    );
    expect(unknown).toMatchObject({
      errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
      errorMessage: 'Unsupported endpoint type 7',
    });
  });
});

describe('after a restart', () => {
  it('keeps the low watermark that DeleteRecords set', async () => {
    raw.close();
    await admin.disconnect();
    tb = await tb.restart();
    raw = await RawClient.connect(tb.port);
    admin = new Kafka({
      clientId: 'admin-records-2',
      brokers: [tb.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('records');
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: '4', high: '10' });
    expect(offsets.find((o) => o.partition === 1)).toMatchObject({ low: '3', high: '3' });
  });
});
