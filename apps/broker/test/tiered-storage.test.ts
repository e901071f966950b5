/**
 * Tiered storage end to end: a real broker process, a real S3 HTTP server (s3rver through
 * the AWS SDK), real clients. Many small segments are produced; closed segments appear in S3,
 * local copies beyond local.retention.bytes go, and kcat, kafkajs and the Java client read the
 * whole topic from offset 0 byte-identical; the topic's deletion removes its objects. The
 * outage and crash cases are in tiered-storage-faults.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  brokerBuilt,
  consumeGroup,
  createTempDir,
  kcatConsume,
  startBroker,
  startS3Server,
  type BrokerProcess,
  type S3Server,
  type TempDir,
} from '@tributary/testing';
import {
  EARLIEST,
  EARLIEST_LOCAL,
  LATEST_TIERED,
  finalStates,
  journalEvents,
  listKeys,
  listOffset,
  tieredBrokerArgs,
  waitFor,
} from './support/tiered.js';

const TOPIC = 'tiered-events';
const COUNT = 3000;
const TOKEN = 'tiered-admin-token-0123456789';
const PREFIX = 'clusters/lkc-test/';

let s3dir: TempDir;
let s3: S3Server;
let broker: BrokerProcess;
let adminUrl = '';
const records = Array.from({ length: COUNT }, (_, i) => ({
  key: Buffer.from(`key-${i}`),
  value: randomBytes(300 + (i % 400)),
}));

beforeAll(async () => {
  if (!brokerBuilt()) throw new Error('build the broker first (npm run build)');
  s3dir = await createTempDir('tributary-s3-');
  s3 = await startS3Server({ dataDir: s3dir.path, buckets: ['tributary-tiered'] });
  const adminPort = 20000 + Math.floor(Math.random() * 20000);
  adminUrl = `http://127.0.0.1:${adminPort}`;
  broker = await startBroker({
    args: tieredBrokerArgs(s3.endpoint, s3, ['--admin-listen', `127.0.0.1:${adminPort}`]),
    env: { TRIBUTARY_ADMIN_TOKEN: TOKEN },
  });
}, 60_000);

afterAll(async () => {
  await broker?.dispose();
  await s3?.stop();
  await s3dir?.remove();
});

function kafka(): Kafka {
  return new Kafka({
    clientId: 'tiered-it',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
}

async function usage(): Promise<{
  cluster: Record<string, unknown>;
  topics: Record<string, Record<string, number>>;
}> {
  const r = await fetch(`${adminUrl}/v1/usage`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.ok).toBe(true);
  return (await r.json()) as {
    cluster: Record<string, unknown>;
    topics: Record<string, Record<string, number>>;
  };
}

describe('tiered storage with a real S3 endpoint', () => {
  it('refuses tiering a compacted topic with INVALID_CONFIG', async () => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      await expect(
        admin.createTopics({
          topics: [
            {
              topic: 'compacted',
              configEntries: [
                { name: 'remote.storage.enable', value: 'true' },
                { name: 'cleanup.policy', value: 'compact' },
              ],
            },
          ],
        }),
      ).rejects.toMatchObject({
        errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })],
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('copies closed segments to S3, drops local copies, and serves offset 0 to every client', async () => {
    const k = kafka();
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          configEntries: [
            { name: 'remote.storage.enable', value: 'true' },
            { name: 'local.retention.bytes', value: '131072' },
          ],
        },
      ],
    });
    await admin.disconnect();
    const producer = k.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let i = 0; i < COUNT; i += 20) {
      await producer.send({ topic: TOPIC, acks: -1, messages: records.slice(i, i + 20) });
    }
    await producer.disconnect();

    // Closed segments reach S3 under the cluster's prefix, in key order = offset order.
    const logs = await waitFor('segments in S3', async () => {
      const keys = (await listKeys(s3, PREFIX)).filter((k) => k.endsWith('.log'));
      return keys.length >= 15 && keys;
    });
    expect(logs[0]).toMatch(
      /^clusters\/lkc-test\/topics\/[A-Za-z0-9_-]{22}\/0000000000\/00000000000000000000-[A-Za-z0-9_-]{22}\.log$/,
    );
    // Local copies beyond local.retention.bytes are deleted once copied.
    const localStart = await waitFor('local segments deleted', async () => {
      const start = await listOffset(broker.port, TOPIC, EARLIEST_LOCAL);
      return start > 0 && start;
    });
    const partitionDir = join(broker.dataDir, 'logs', `${TOPIC}-0`);
    await waitFor('local copies beyond local.retention.bytes gone', async () => {
      const copies = (await readdir(partitionDir)).filter((n) => n.endsWith('.log'));
      return copies.length <= 4;
    });
    expect(await listOffset(broker.port, TOPIC, EARLIEST)).toBe(0);
    const tiered = await listOffset(broker.port, TOPIC, LATEST_TIERED);
    expect(tiered).toBeGreaterThanOrEqual(localStart - 1);
    expect(await listOffset(broker.port, TOPIC, EARLIEST_LOCAL)).toBeLessThanOrEqual(tiered + 1);
    expect(tiered).toBeLessThan(COUNT);
    // Exactly one finished copy per segment.
    const finished = [...finalStates(await journalEvents(broker.dataDir)).values()].filter(
      (s) => s.state === 'COPY_SEGMENT_FINISHED',
    );
    expect(new Set(finished.map((s) => s.baseOffset)).size).toBe(finished.length);

    // kcat (librdkafka) from offset 0.
    const viaKcat = await kcatConsume({
      bootstrap: broker.bootstrap,
      topic: TOPIC,
      offset: 'beginning',
    });
    expect(viaKcat.map((r) => r.offset)).toEqual(records.map((_, i) => i));
    for (const r of viaKcat) {
      expect(r.key?.equals(records[r.offset].key)).toBe(true);
      expect(r.value?.equals(records[r.offset].value)).toBe(true);
    }

    // kafkajs, as a group from the earliest offset.
    const consumer = k.consumer({ groupId: 'tiered-kafkajs', maxBytesPerPartition: 65536 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const seen: Array<{ offset: number; key: Buffer | null; value: Buffer | null }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ offset: Number(message.offset), key: message.key, value: message.value });
      },
    });
    await waitFor('kafkajs consumed everything', async () => seen.length >= COUNT, 60_000);
    await consumer.disconnect();
    expect(seen.map((m) => m.offset)).toEqual(records.map((_, i) => i));
    for (const m of seen) {
      expect(m.key?.equals(records[m.offset].key)).toBe(true);
      expect(m.value?.equals(records[m.offset].value)).toBe(true);
    }

    // The Java client.
    const { records: viaJava } = await consumeGroup(broker.bootstrap, TOPIC, {
      group: 'tiered-java',
      maxRecords: COUNT,
      autoOffsetReset: 'earliest',
      valueFormat: 'base64',
      consumeTimeoutMs: 60_000,
    });
    expect(viaJava.map((r) => r.offset)).toEqual(records.map((_, i) => i));
    for (const r of viaJava) {
      expect(r.key).toBe(records[r.offset].key.toString());
      expect(r.valueBase64).toBe(records[r.offset].value.toString('base64'));
    }

    // Usage reports local and remote bytes apart.
    const u = await usage();
    expect(u.topics[TOPIC].storedBytesRemote).toBeGreaterThan(1_000_000);
    expect(u.topics[TOPIC].storedBytesLocal).toBeLessThan(400_000);
    expect(u.topics[TOPIC].storedBytes).toBe(
      u.topics[TOPIC].storedBytesLocal + u.topics[TOPIC].storedBytesRemote,
    );
    expect(u.cluster.tieredBacklog).toMatchObject({ lastError: null });
  }, 180_000);

  it("deletes the topic's remote objects with the topic", async () => {
    const before = await listKeys(s3, PREFIX);
    expect(before.length).toBeGreaterThan(0);
    const admin = kafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [TOPIC] });
    await admin.disconnect();
    await waitFor('remote objects deleted', async () => (await listKeys(s3, PREFIX)).length === 0);
    expect(await journalEvents(broker.dataDir)).toEqual([]);
  }, 60_000);
});
