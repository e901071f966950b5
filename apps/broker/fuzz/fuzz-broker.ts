/**
 * npm run fuzz:broker — the long fuzz run against the real broker process.
 *   1. Start the built broker advertising a recording proxy, and drive real clients through
 *      the proxy (kafkajs producer/consumer group/admin, kcat) to capture real frames.
 *   2. Produce a set of acknowledged messages to keep.
 *   3. Throw mutated real and schema-generated frames at the broker for FUZZ_SECONDS
 *      (default 120), health-checking it every few hundred frames.
 *   4. Check the process is alive, every acknowledged message is intact, and SIGTERM
 *      still shuts it down cleanly. Exit code 0 only when all of that holds.
 * FUZZ_SEED fixes the mutation sequence so a failure can be replayed.
 */
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import {
  ApiKey,
  makeApiVersionsRequest,
  seededRng,
  type ApiVersionsResponse,
} from '@tributary/kafka-protocol';
import { freePort, kcatConsume, kcatProduce, startBroker } from '@tributary/testing';
import { RawClient } from '../test/support/raw-client.js';
import { generatedSeeds } from './corpus.js';
import { fuzzBroker } from './fuzz-loop.js';
import { startRecordingProxy } from './recording-proxy.js';

const seconds = Number(process.env.FUZZ_SECONDS ?? 120);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

async function captureRealFrames(bootstrap: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'fuzz-capture',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'fuzz-capture', numPartitions: 3 }] });
  await admin.fetchTopicMetadata({ topics: ['fuzz-capture'] });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({
    topic: 'fuzz-capture',
    compression: CompressionTypes.GZIP,
    messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  });
  await producer.send({
    topic: 'fuzz-capture',
    messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  });
  await producer.disconnect();
  const consumer = kafka.consumer({
    groupId: 'fuzz-capture-group',
    sessionTimeout: 6000,
    rebalanceTimeout: 6000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: 'fuzz-capture', fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (++seen >= 100) resolve();
      },
    });
  });
  await consumer.disconnect();
  await admin.fetchOffsets({ groupId: 'fuzz-capture-group', topics: ['fuzz-capture'] });
  await admin.describeGroups(['fuzz-capture-group']);
  await admin.disconnect();
  await kcatProduce({ bootstrap, topic: 'fuzz-capture', compression: 'lz4' }, [
    { key: 'a', value: 'b' },
  ]);
  await kcatConsume({ bootstrap, topic: 'fuzz-capture', count: 10 });
}

async function main(): Promise<void> {
  const brokerPort = await freePort();
  const proxy = await startRecordingProxy(brokerPort);
  const broker = await startBroker({
    port: brokerPort,
    args: [
      '--advertised',
      `127.0.0.1:${proxy.port}`,
      '--set',
      'group.initial.rebalance.delay.ms=0',
    ],
  });
  let ok = false;
  try {
    const viaProxy = `127.0.0.1:${proxy.port}`;
    await captureRealFrames(viaProxy);
    proxy.stopRecording();
    console.log(`captured ${proxy.frames.length} real frames`);

    // Clients reach the broker through the proxy it advertises; the fuzzer goes direct.
    const keep = Array.from({ length: 500 }, (_, i) => ({
      key: `keep-${i}`,
      value: `value-${i}-${'x'.repeat(i % 50)}`,
    }));
    await kcatProduce(
      {
        bootstrap: viaProxy,
        topic: 'fuzz-keep',
        compression: 'zstd',
        properties: { 'enable.idempotence': 'true', acks: 'all' },
      },
      keep,
    );

    const c = await RawClient.connect(broker.port);
    const versions = await c.call<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      makeApiVersionsRequest({ clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    );
    c.close();
    const seeds = [...proxy.frames, ...generatedSeeds(versions.apiKeys, seededRng(seed), 3)];
    console.log(`fuzzing ${seconds}s with ${seeds.length} seeds, seed ${seed}`);
    const stats = await fuzzBroker({
      port: broker.port,
      seeds,
      durationMs: seconds * 1000,
      seed,
      log: (l) => console.log(l),
    });
    console.log(
      `done: ${JSON.stringify(stats)}; peak RSS ${(broker.peakRssBytes() / 2 ** 20).toFixed(0)} MiB`,
    );
    const back = await kcatConsume({ bootstrap: viaProxy, topic: 'fuzz-keep' });
    const got = new Map(back.map((r) => [r.key?.toString(), r.value?.toString()]));
    const lost = keep.filter((m) => got.get(m.key) !== m.value);
    if (lost.length > 0)
      throw new Error(`${lost.length} acknowledged messages lost or changed, e.g. ${lost[0].key}`);
    console.log(`all ${keep.length} acknowledged messages intact`);
    ok = true;
  } finally {
    const status = await broker.stop();
    if (status.code !== 0) {
      console.error(
        `broker did not stop cleanly (${JSON.stringify(status)}):\n${broker.recentOutput()}`,
      );
      ok = false;
    }
    await broker.dispose();
    await proxy.close();
  }
  if (!ok) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
