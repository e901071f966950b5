/**
 * @platformatic/kafka 1.35 against the in-process broker. It speaks the newest classic group
 * versions (FindCoordinator v6 batched, JoinGroup v9, SyncGroup v5, OffsetCommit/Fetch v8+,
 * ListGroups v5 with a type filter), so this covers the flexible versions and the admin APIs
 * kafkajs lacks: offset alteration, OffsetDelete and member removal.
 */
import {
  Admin,
  Consumer,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
  type MessagesStream,
} from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOPIC = 'plt-events';
const OTHER = 'plt-other';
const GROUP = 'plt-group';
const PARTITIONS = 4;

let tb: TestBroker;
let producer: Producer<string, string, string, string>;
let admin: Admin;

interface Running {
  consumer: Consumer<string, string, string, string>;
  stream: MessagesStream<string, string, string, string>;
  seen: string[];
}

const running: Running[] = [];

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startConsumer(name: string): Promise<Running> {
  const consumer = new Consumer({
    clientId: name,
    groupId: GROUP,
    bootstrapBrokers: [tb.bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 3_000,
    rebalanceTimeout: 6_000,
    heartbeatInterval: 200,
    maxWaitTime: 100,
    autocommit: 100,
  });
  const stream = await consumer.consume({
    topics: [TOPIC],
    mode: MessagesStreamModes.COMMITTED,
    fallbackMode: 'earliest',
  });
  const r: Running = { consumer, stream, seen: [] };
  stream.on('data', (m) => r.seen.push(m.value));
  running.push(r);
  return r;
}

async function stopConsumer(r: Running): Promise<void> {
  await r.stream.close();
  await r.consumer.close();
  running.splice(running.indexOf(r), 1);
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  await producer.send({
    messages: Array.from({ length: count }, (_, i) => ({
      topic,
      partition: (from + i) % PARTITIONS,
      value: `v-${from + i}`,
    })),
  });
}

async function committedOffsets(topic = TOPIC): Promise<Map<number, bigint>> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [GROUP] });
  const t = group.topics.find((x) => x.name === topic);
  return new Map((t?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
}

async function describe1(): Promise<{ state: string; members: number; protocol: string }> {
  const g = (await admin.describeGroups({ groups: [GROUP] })).get(GROUP)!;
  return { state: g.state, members: g.members.size, protocol: g.protocol };
}

beforeAll(async () => {
  tb = await startTestBroker({
    'num.partitions': String(PARTITIONS),
    'group.min.session.timeout.ms': '1000',
  });
  producer = new Producer({
    clientId: 'plt-producer',
    bootstrapBrokers: [tb.bootstrap],
    serializers: stringSerializers,
    autocreateTopics: true,
  });
  admin = new Admin({ clientId: 'plt-admin', bootstrapBrokers: [tb.bootstrap] });
  await produce(TOPIC, 0, 40);
  await produce(OTHER, 0, 4);
});

afterAll(async () => {
  for (const r of [...running]) await stopConsumer(r);
  await producer?.close();
  await admin?.close();
  await tb?.stop();
});

describe('@platformatic/kafka consumer group', () => {
  it('two members share the topic, consume everything and commit it', async () => {
    const a = await startConsumer('plt-a');
    const b = await startConsumer('plt-b');
    await waitFor('a stable group of two', async () => {
      const d = await describe1();
      return d.state === 'STABLE' && d.members === 2;
    });
    expect((await describe1()).protocol).toBe('roundrobin');
    await produce(TOPIC, 40, 160);
    await waitFor('200 messages', () => new Set([...a.seen, ...b.seen]).size === 200);
    expect(a.seen.length).toBeGreaterThan(0);
    expect(b.seen.length).toBeGreaterThan(0);
    await waitFor('commits up to the end', async () => {
      const c = await committedOffsets();
      return [...c.values()].reduce((n, o) => n + o, 0n) === 200n;
    });
    const listed = await admin.listGroups({ states: ['STABLE'] });
    expect(listed.get(GROUP)).toMatchObject({
      state: 'STABLE',
      groupType: 'classic',
      protocolType: 'consumer',
    });
  });

  it('the remaining member takes over when the other leaves', async () => {
    const [a, b] = running;
    await stopConsumer(b);
    await waitFor('a stable group of one', async () => {
      const d = await describe1();
      return d.state === 'STABLE' && d.members === 1;
    });
    const before = a.seen.length;
    await produce(TOPIC, 200, 40);
    await waitFor(
      'the 40 new messages on the survivor',
      () => new Set(a.seen.slice(before)).size === 40,
    );
  });

  it('rejects offset deletion for subscribed topics, allows it for others', async () => {
    await admin
      .alterConsumerGroupOffsets({
        groupId: GROUP,
        topics: [{ name: OTHER, partitionOffsets: [{ partition: 0, offset: 1n }] }],
      })
      .then(
        () => {
          throw new Error('altering offsets of an active group must fail');
        },
        (err: Error) => expect(err.message).toMatch(/.+/),
      );
    await expect(
      admin.deleteConsumerGroupOffsets({
        groupId: GROUP,
        topics: [{ name: TOPIC, partitionIndexes: [0] }],
      }),
    ).rejects.toThrow();
    const [a] = running;
    await stopConsumer(a);
    await waitFor('an empty group', async () => (await describe1()).state === 'EMPTY');
    // Empty now: offsets can be set from outside the group (generation -1) and deleted.
    await admin.alterConsumerGroupOffsets({
      groupId: GROUP,
      topics: [{ name: OTHER, partitionOffsets: [{ partition: 0, offset: 3n }] }],
    });
    expect((await committedOffsets(OTHER)).get(0)).toBe(3n);
    await admin.deleteConsumerGroupOffsets({
      groupId: GROUP,
      topics: [{ name: OTHER, partitionIndexes: [0] }],
    });
    expect((await committedOffsets(OTHER)).get(0)).toBeUndefined();
    expect((await committedOffsets()).size).toBe(PARTITIONS);
  });

  it('resumes from committed offsets after a broker restart, then the group can be deleted', async () => {
    await producer.close();
    await admin.close();
    tb = await tb.restart();
    producer = new Producer({
      clientId: 'plt-producer',
      bootstrapBrokers: [tb.bootstrap],
      serializers: stringSerializers,
      autocreateTopics: true,
    });
    admin = new Admin({ clientId: 'plt-admin', bootstrapBrokers: [tb.bootstrap] });
    expect([...(await committedOffsets()).values()].reduce((n, o) => n + o, 0n)).toBe(240n);
    const c = await startConsumer('plt-c');
    await produce(TOPIC, 240, 8);
    await waitFor('the 8 new messages', () => c.seen.length >= 8);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.seen.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `v-${240 + i}`).sort());
    await expect(admin.deleteGroups({ groups: [GROUP] })).rejects.toThrow();
    await stopConsumer(c);
    await waitFor('an empty group', async () => (await describe1()).state === 'EMPTY');
    await admin.deleteGroups({ groups: [GROUP] });
    expect((await describe1()).state).toBe('DEAD');
  });
});
