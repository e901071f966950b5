/**
 * Tiered storage under faults, with a real broker process and a real S3 server (s3rver)
 * behind a loopback proxy:
 * - S3 stops while segments close: no local segment is deleted, the broker logs the backlog;
 *   S3 returns: the copies catch up and a consumer sees every offset, no gap;
 * - kill -9 while a copy is in flight (the proxy throttles the upload): after the restart
 *   the interrupted attempt is removed and each segment has exactly one finished copy.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import {
  EARLIEST_LOCAL,
  LATEST_TIERED,
  TcpProxy,
  finalStates,
  journalEvents,
  listKeys,
  listOffset,
  tieredBrokerArgs,
  waitFor,
} from './support/tiered.js';

let s3dir: TempDir;
let s3: S3Server;
let proxy: TcpProxy;
let broker: BrokerProcess;

beforeAll(async () => {
  if (!brokerBuilt()) throw new Error('build the broker first (npm run build)');
  s3dir = await createTempDir('tributary-s3-');
  s3 = await startS3Server({ dataDir: s3dir.path, buckets: ['tributary-tiered'] });
  proxy = await TcpProxy.start(s3.port);
  broker = await startBroker({ args: tieredBrokerArgs(`http://127.0.0.1:${proxy.port}`, s3) });
}, 60_000);

afterAll(async () => {
  await broker?.dispose();
  await proxy?.close();
  await s3?.stop();
  await s3dir?.remove();
});

function kafka(): Kafka {
  return new Kafka({
    clientId: 'tiered-faults',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
}

async function createTopic(topic: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      {
        topic,
        configEntries: [
          { name: 'remote.storage.enable', value: 'true' },
          { name: 'local.retention.bytes', value: '0' },
        ],
      },
    ],
  });
  await admin.disconnect();
}

async function produce(topic: string, values: Buffer[], from: number): Promise<void> {
  const producer = kafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < values.length; i += 20) {
    await producer.send({
      topic,
      acks: -1,
      messages: values.slice(i, i + 20).map((value, j) => ({ key: `k${from + i + j}`, value })),
    });
  }
  await producer.disconnect();
}

async function expectAll(topic: string, values: Buffer[]): Promise<void> {
  const got = await kcatConsume({ bootstrap: broker.bootstrap, topic, offset: 'beginning' });
  expect(got.map((r) => r.offset)).toEqual(values.map((_, i) => i));
  for (const r of got) expect(r.value?.equals(values[r.offset])).toBe(true);
}

/** Per partition journal and base offset, how many COPY_SEGMENT_FINISHED events it recorded. */
async function finishedCopies(dataDir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of await journalEvents(dataDir)) {
    const key = `${e.file}@${e.baseOffset}`;
    if (e.state === 'COPY_SEGMENT_FINISHED') counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('tiered storage faults', () => {
  it('keeps local segments while S3 is down and catches up without a gap', async () => {
    const topic = 'outage';
    await createTopic(topic);
    const values = Array.from({ length: 1500 }, (_, i) => randomBytes(400 + (i % 200)));
    await produce(topic, values.slice(0, 500), 0);
    await waitFor(
      'first copies',
      async () => (await listOffset(broker.port, topic, LATEST_TIERED)) > 0,
    );

    await s3.stop();
    await new Promise((r) => setTimeout(r, 1000)); // copies and deletions in flight settle
    const tieredAtStop = await listOffset(broker.port, topic, LATEST_TIERED);
    const localAtStop = await listOffset(broker.port, topic, EARLIEST_LOCAL);
    await produce(topic, values.slice(500), 500);
    await waitFor('the backlog reported', async () =>
      /tiered storage: .*failed.*backlog [1-9]\d* segment/.test(broker.recentOutput()),
    );
    await new Promise((r) => setTimeout(r, 1500)); // several more passes and retention checks
    // Nothing was copied, so nothing more was deleted locally: every new segment is on disk.
    expect(await listOffset(broker.port, topic, LATEST_TIERED)).toBe(tieredAtStop);
    expect(await listOffset(broker.port, topic, EARLIEST_LOCAL)).toBe(localAtStop);
    expect(localAtStop).toBeLessThanOrEqual(tieredAtStop + 1);

    s3 = await startS3Server({ dataDir: s3dir.path, port: s3.port, buckets: ['tributary-tiered'] });
    const caughtUp = await waitFor('copies caught up', async () => {
      const tiered = await listOffset(broker.port, topic, LATEST_TIERED);
      const local = await listOffset(broker.port, topic, EARLIEST_LOCAL);
      return tiered > 1200 && local > 1200 && { tiered, local };
    });
    expect(caughtUp.local).toBeLessThanOrEqual(caughtUp.tiered + 1);
    await expectAll(topic, values);
    for (const [, n] of await finishedCopies(broker.dataDir)) expect(n).toBe(1);
  }, 120_000);

  it('after kill -9 during a copy, copies each segment exactly once and serves it', async () => {
    const topic = 'crash';
    await createTopic(topic);
    const values = Array.from({ length: 400 }, (_, i) => randomBytes(500 + (i % 100)));
    proxy.bytesPerSecond = 60_000; // a 64 KiB segment then takes about a second to upload
    await produce(topic, values, 0);
    const inFlight = await waitFor('a copy in flight', async () => {
      const started = [...finalStates(await journalEvents(broker.dataDir)).values()].filter(
        (s) => s.state === 'COPY_SEGMENT_STARTED',
      );
      return started.length > 0 && started[0];
    });
    await new Promise((r) => setTimeout(r, 300));
    const stillStarted = finalStates(await journalEvents(broker.dataDir)).get(inFlight.uploadId);
    expect(stillStarted?.state, broker.recentOutput()).toBe('COPY_SEGMENT_STARTED');
    await broker.kill();
    proxy.bytesPerSecond = 0;

    await broker.restart();
    await waitFor('the interrupted copy cleaned up and the rest copied', async () => {
      const states = finalStates(await journalEvents(broker.dataDir));
      const interrupted = states.get(inFlight.uploadId)?.state;
      const tiered = await listOffset(broker.port, topic, LATEST_TIERED);
      const local = await listOffset(broker.port, topic, EARLIEST_LOCAL);
      // local.retention.bytes=0: once every closed segment is copied, only the active one is local.
      return interrupted === 'DELETE_SEGMENT_FINISHED' && local > 0 && tiered + 1 === local;
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${broker.recentOutput()}`);
    });
    const copies = await finishedCopies(broker.dataDir);
    expect(
      copies.get(`${inFlight.file}@${inFlight.baseOffset}`),
      JSON.stringify([inFlight, await journalEvents(broker.dataDir)]),
    ).toBe(1);
    for (const [, n] of copies) expect(n).toBe(1);
    const keys = await listKeys(s3, 'clusters/lkc-test/');
    expect(keys.some((k) => k.includes(inFlight.uploadId))).toBe(false);
    await expectAll(topic, values);
  }, 120_000);
});
