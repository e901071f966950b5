/**
 * The client sessions the capture records: what each real client does against Kafka through
 * the proxy. Messages are a few bytes each so Produce and Fetch frames stay small.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import {
  consumeGroup,
  ensureJavaTools,
  javaAdmin,
  kcatConsume,
  kcatExecutable,
  kcatMetadata,
  kcatProduce,
  produceIdempotent,
  runProcess,
} from '@tributary/testing';
import type { ClientSessionInfo } from '../../libs/kafka-protocol/golden/fixtures.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;

export interface ClientSession {
  /** Fixture directory name: client and version. */
  client: string;
  /** Runs the client's workload; `tag` makes topic and group names unique per pass. */
  run(bootstrap: string, tag: string): Promise<ClientSessionInfo>;
}

/** Runs a step and reports (not throws) its failure, so one refusal does not end the capture. */
async function step(what: string, f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    console.warn(`  ! ${what} failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function javaSession(): Promise<ClientSession> {
  const { kafkaVersion } = await ensureJavaTools();
  return {
    client: `java-${kafkaVersion}`,
    async run(bootstrap, tag) {
      const topic = `golden-java-${tag}`;
      const group = `golden-java-${tag}`;
      const group848 = `golden-java-848-${tag}`;
      const admin = javaAdmin(bootstrap);
      await admin.createTopic(topic, { partitions: 1, replicationFactor: 1 });
      await step('describeTopic', () => admin.describeTopic(topic));
      await step('describeConfigs', () => admin.describeConfigs(topic));
      await step('describeCluster', () => admin.describeCluster());
      await step('listTopics', () => admin.listTopics());
      await produceIdempotent(bootstrap, topic, { count: 3, valueSize: 12, keyPrefix: 'k' });
      // Runs past the last record for a few heartbeats (interval 200 ms), then leaves the group.
      await consumeGroup(bootstrap, topic, {
        group,
        maxRecords: 4,
        consumeTimeoutMs: 3000,
        allowPartial: true,
        autoOffsetReset: 'earliest',
        valueFormat: 'none',
        groupProtocol: 'classic',
        properties: { 'heartbeat.interval.ms': '200' },
      });
      await produceIdempotent(bootstrap, topic, { count: 2, valueSize: 12, keyPrefix: 'm' });
      // Same group again: it starts from a committed offset with a leader epoch, which the
      // consumer validates with OffsetForLeaderEpoch.
      await consumeGroup(bootstrap, topic, {
        group,
        maxRecords: 2,
        valueFormat: 'none',
        groupProtocol: 'classic',
      });
      // KIP-848 consumer group protocol: ConsumerGroupHeartbeat instead of Join/Sync/Heartbeat.
      await step('consumeGroup (consumer protocol)', () =>
        consumeGroup(bootstrap, topic, {
          group: group848,
          maxRecords: 5,
          autoOffsetReset: 'earliest',
          valueFormat: 'none',
          groupProtocol: 'consumer',
        }),
      );
      await step('deleteTopic', () => admin.deleteTopic(topic));
      return { topics: [topic], groups: [group, group848] };
    },
  };
}

async function librdkafkaVersion(): Promise<string> {
  const out = await runProcess(kcatExecutable(), ['-V']);
  const m = /librdkafka (\d+\.\d+\.\d+)/.exec(out.stdout.toString('utf8'));
  if (m === null) throw new Error('kcat -V does not name its librdkafka version');
  return m[1];
}

/**
 * kcat's balanced consumer (-G): joins, consumes, commits every 200 ms, and on SIGINT commits
 * and leaves the group (rd_kafka_consumer_close).
 */
async function kcatGroupConsume(
  bootstrap: string,
  group: string,
  topic: string,
  expected: number,
): Promise<void> {
  const args = ['-b', bootstrap, '-G', group, '-q', '-u', '-f', '%o\\n', topic];
  for (const [k, v] of Object.entries({
    'auto.offset.reset': 'earliest',
    'heartbeat.interval.ms': '200',
    'auto.commit.interval.ms': '200',
  }))
    args.push('-X', `${k}=${v}`);
  const child = spawn(kcatExecutable(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  child.stdout.on('data', (b: Buffer) => {
    lines += b.toString('utf8').split('\n').length - 1;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (lines < expected && Date.now() < deadline) await sleep(100);
  if (lines < expected) console.warn(`  ! kcat -G saw ${lines} of ${expected} records`);
  await sleep(1500); // a few heartbeats and auto-commits
  child.kill('SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

export async function kcatSession(): Promise<ClientSession> {
  return {
    client: `librdkafka-${await librdkafkaVersion()}`,
    async run(bootstrap, tag) {
      const topic = `golden-kcat-${tag}`;
      const group = `golden-kcat-${tag}`;
      await kcatMetadata({ bootstrap });
      // The topic is auto-created by the producer's Metadata request.
      await kcatProduce(
        { bootstrap, topic, properties: { 'enable.idempotence': 'true' } },
        [1, 2, 3].map((i) => ({ key: `k${i}`, value: `kcat-value-${i}` })),
      );
      await step('kcatMetadata topic', () => kcatMetadata({ bootstrap, topic }));
      await step('kcatConsume', () => kcatConsume({ bootstrap, topic, count: 3 }));
      await step('kcat -G', () => kcatGroupConsume(bootstrap, group, topic, 3));
      return { topics: [topic], groups: [group] };
    },
  };
}

export function kafkajsSession(): ClientSession {
  const version = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string })
    .version;
  return {
    client: `kafkajs-${version}`,
    async run(bootstrap, tag) {
      const topic = `golden-kafkajs-${tag}`;
      const group = `golden-kafkajs-${tag}`;
      const kafka = new Kafka({
        clientId: 'golden-kafkajs',
        brokers: [bootstrap],
        logLevel: logLevel.NOTHING,
        retry: { retries: 3, initialRetryTime: 100 },
      });
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
        await step('fetchTopicMetadata', () => admin.fetchTopicMetadata({ topics: [topic] }));
        await step('describeCluster', () => admin.describeCluster());
        await step('describeConfigs', () =>
          admin.describeConfigs({
            resources: [
              { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] },
            ],
            includeSynonyms: false,
          }),
        );
        await step('alterConfigs', () =>
          admin.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: ConfigResourceTypes.TOPIC,
                name: topic,
                configEntries: [{ name: 'retention.ms', value: '86400000' }],
              },
            ],
          }),
        );
        await step('createPartitions', () =>
          admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] }),
        );

        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        await producer.send({
          topic,
          acks: -1,
          messages: [1, 2, 3].map((i) => ({ key: `k${i}`, value: `kjs-value-${i}`, partition: 0 })),
        });
        await producer.disconnect();
        await step('fetchTopicOffsets', () => admin.fetchTopicOffsets(topic));

        const consumer = kafka.consumer({ groupId: group, heartbeatInterval: 200 });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        let seen = 0;
        await consumer.run({
          eachMessage: async () => {
            seen++;
          },
        });
        const deadline = Date.now() + 20_000;
        while (seen < 3 && Date.now() < deadline) await sleep(100);
        if (seen < 3) console.warn(`  ! kafkajs consumer saw ${seen} of 3 records`);
        await sleep(1500); // heartbeats and the offset commit
        await consumer.disconnect();

        await step('listGroups', () => admin.listGroups());
        await step('describeGroups', () => admin.describeGroups([group]));
        await step('fetchOffsets', () => admin.fetchOffsets({ groupId: group, topics: [topic] }));
        await step('setOffsets', () =>
          admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }] }),
        );
        await step('deleteTopicRecords', () =>
          admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1' }] }),
        );
        await step('deleteGroups', () => admin.deleteGroups([group]));
        await step('deleteTopics', () => admin.deleteTopics({ topics: [topic] }));
      } finally {
        await admin.disconnect();
      }
      return { topics: [topic], groups: [group] };
    },
  };
}
