/**
 * Fetch from S3 while S3 stalls, with a real broker process and a real S3 server (s3rver)
 * behind a loopback proxy that can hold back S3's answers:
 * - a fetch below the local log start is answered within remote.fetch.max.wait.ms plus its
 *   own max wait, empty and without an error, instead of waiting for S3;
 * - a long-polling fetch wakes as soon as the stalled read lands and returns its records;
 * - the records are the ones produced, byte for byte, once S3 answers again.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  ErrorCode,
  makeFetchRequest,
  makeFetchRequestFetchPartition,
  makeFetchRequestFetchTopic,
  type FetchResponse,
} from '@tributary/kafka-protocol';
import {
  brokerBuilt,
  createTempDir,
  kcatConsume,
  startBroker,
  startS3Server,
  type BrokerProcess,
  type S3Server,
  type TempDir,
} from '@tributary/testing';
import { RawClient } from './support/raw-client.js';
import {
  EARLIEST_LOCAL,
  TcpProxy,
  listOffset,
  tieredBrokerArgs,
  waitFor,
} from './support/tiered.js';

let s3dir: TempDir;
let s3: S3Server;
let proxy: TcpProxy;
let broker: BrokerProcess;
const TOPIC = 'slow-s3';
const values = Array.from({ length: 300 }, (_, i) => randomBytes(400 + (i % 50)));

beforeAll(async () => {
  if (!brokerBuilt()) throw new Error('build the broker first (npm run build)');
  s3dir = await createTempDir('tributary-s3-');
  s3 = await startS3Server({ dataDir: s3dir.path, buckets: ['tributary-tiered'] });
  proxy = await TcpProxy.start(s3.port);
  broker = await startBroker({
    args: tieredBrokerArgs(`http://127.0.0.1:${proxy.port}`, s3, [
      '--set',
      'remote.fetch.max.wait.ms=300',
      // A stalled GET must outlive the test's stalls, not fail on the socket timeout.
      '--set',
      'rsm.config.storage.s3.api.call.timeout=30000',
    ]),
  });
  const kafka = new Kafka({
    clientId: 'remote-fetch',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      {
        topic: TOPIC,
        configEntries: [
          { name: 'remote.storage.enable', value: 'true' },
          { name: 'local.retention.bytes', value: '0' },
        ],
      },
    ],
  });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < values.length; i += 20) {
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: values.slice(i, i + 20).map((value, j) => ({ key: `k${i + j}`, value })),
    });
  }
  await producer.disconnect();
  await waitFor(
    'closed segments copied and deleted locally',
    async () => (await listOffset(broker.port, TOPIC, EARLIEST_LOCAL)) > 100,
  );
}, 90_000);

afterAll(async () => {
  await broker?.dispose();
  await proxy?.close();
  await s3?.stop();
  await s3dir?.remove();
});

async function fetchAt(
  client: RawClient,
  offset: number,
  maxWaitMs: number,
): Promise<{ ms: number; errorCode: number; bytes: number; highWatermark: number }> {
  const t0 = Date.now();
  const r = await client.call<FetchResponse>(
    ApiKey.Fetch,
    12,
    makeFetchRequest({
      replicaId: -1,
      maxWaitMs,
      minBytes: 1,
      maxBytes: 1_000_000,
      topics: [
        makeFetchRequestFetchTopic({
          topic: TOPIC,
          partitions: [
            makeFetchRequestFetchPartition({
              partition: 0,
              fetchOffset: offset,
              partitionMaxBytes: 1_000_000,
              currentLeaderEpoch: -1,
              logStartOffset: -1,
            }),
          ],
        }),
      ],
    }),
  );
  const p = r.responses[0].partitions[0];
  const records = p.records;
  const bytes = Buffer.isBuffer(records) ? records.length : Buffer.concat(records ?? []).length;
  return { ms: Date.now() - t0, errorCode: p.errorCode, bytes, highWatermark: p.highWatermark };
}

describe('fetch from a stalled S3', () => {
  it('answers within the wait limits, wakes when the read lands, and serves the same records', async () => {
    const client = await RawClient.connect(broker.port);
    try {
      proxy.stall();
      const empty = await fetchAt(client, 0, 200);
      expect(empty.errorCode).toBe(ErrorCode.NONE);
      expect(empty.bytes).toBe(0);
      expect(empty.highWatermark).toBe(values.length);
      // remote.fetch.max.wait.ms (300) then the rest of max_wait_ms (200): well under S3's stall.
      expect(empty.ms).toBeLessThan(3_000);

      // A long poll (10 s) while S3 still stalls: it is woken by the read landing, not its timer.
      const polling = fetchAt(client, 0, 10_000);
      await new Promise((r) => setTimeout(r, 700));
      proxy.resume();
      const woken = await polling;
      expect(woken.errorCode).toBe(ErrorCode.NONE);
      expect(woken.bytes).toBeGreaterThan(0);
      expect(woken.ms).toBeLessThan(6_000);
    } finally {
      proxy.resume();
      client.close();
    }
    const got = await kcatConsume({
      bootstrap: broker.bootstrap,
      topic: TOPIC,
      offset: 'beginning',
    });
    expect(got.map((r) => r.offset)).toEqual(values.map((_, i) => i));
    for (const r of got) expect(r.value?.equals(values[r.offset])).toBe(true);
  }, 60_000);
});
