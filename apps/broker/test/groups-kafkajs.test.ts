/**
 * kafkajs 2.2.4 consumer groups against the in-process broker: three members share a
 * six-partition topic, one leaves and the others take over its partitions, nothing is lost,
 * re-deliveries stay within at-least-once bounds, and committed offsets are visible to the
 * admin client and survive a broker restart.
 */
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOPIC = 'orders';
const GROUP = 'order-processors';
const PARTITIONS = 6;

let tb: TestBroker;
let kafka: Kafka;
let producer: Producer;
let admin: Admin;

interface Delivery {
  consumer: string;
  partition: number;
  offset: number;
  value: string;
  /** The group's highest committed offset for the partition when this delivery happened. */
  committedAtDelivery: number;
}

const deliveries: Delivery[] = [];
const committed = new Map<number, number>();

function client(bootstrap: string): Kafka {
  return new Kafka({
    clientId: 'groups-it',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 20 },
  });
}

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

async function startConsumer(name: string): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: GROUP,
    sessionTimeout: 3_000,
    rebalanceTimeout: 6_000,
    heartbeatInterval: 200,
    maxWaitTimeInMs: 100,
    retry: { initialRetryTime: 50, retries: 20 },
  });
  consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const t of payload.topics) {
      for (const p of t.partitions) {
        committed.set(p.partition, Math.max(committed.get(p.partition) ?? 0, Number(p.offset)));
      }
    }
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      deliveries.push({
        consumer: name,
        partition,
        offset: Number(message.offset),
        value: message.value!.toString(),
        committedAtDelivery: committed.get(partition) ?? 0,
      });
    },
  });
  return consumer;
}

async function produce(from: number, count: number): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) => ({
    partition: (from + i) % PARTITIONS,
    value: `m-${from + i}`,
  }));
  await producer.send({ topic: TOPIC, acks: -1, messages });
}

function distinctValues(): Set<string> {
  return new Set(deliveries.map((d) => d.value));
}

async function groupState(): Promise<{ state: string; members: number }> {
  const { groups } = await admin.describeGroups([GROUP]);
  return { state: groups[0].state, members: groups[0].members.length };
}

beforeAll(async () => {
  tb = await startTestBroker({
    'num.partitions': String(PARTITIONS),
    'group.min.session.timeout.ms': '1000',
  });
  kafka = client(tb.bootstrap);
  producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  admin = kafka.admin();
  await admin.connect();
  await produce(0, 60); // creates the topic
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await tb?.stop();
});

describe('kafkajs consumer group', () => {
  const consumers = new Map<string, Consumer>();

  afterAll(async () => {
    for (const c of consumers.values()) await c.disconnect();
  });

  it('spreads six partitions over three members and consumes everything', async () => {
    for (const name of ['c1', 'c2', 'c3']) consumers.set(name, await startConsumer(name));
    await waitFor('a stable group of three', async () => {
      const s = await groupState();
      return s.state === 'Stable' && s.members === 3;
    });
    await produce(60, 540);
    await waitFor('600 messages', () => distinctValues().size === 600);
    const { groups } = await admin.describeGroups([GROUP]);
    expect(groups[0].protocolType).toBe('consumer');
    expect(groups[0].protocol).toBe('RoundRobinAssigner');
    // Every member got partitions and consumed from them.
    await waitFor(
      'all members active',
      () => new Set(deliveries.map((d) => d.consumer)).size === 3,
    );
  });

  it('rebalances when a member leaves mid-stream; the rest take over without losing messages', async () => {
    // Messages keep flowing while c3 leaves and the group rebalances.
    const producing = (async () => {
      for (let i = 0; i < 12; i++) {
        await produce(600 + i * 45, 45);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await new Promise((r) => setTimeout(r, 60));
    await consumers.get('c3')!.disconnect();
    consumers.delete('c3');
    const leftAt = deliveries.length;
    await waitFor('a stable group of two', async () => {
      const s = await groupState();
      return s.state === 'Stable' && s.members === 2;
    });
    await producing;
    await produce(1140, 60);
    await waitFor('1200 messages', () => distinctValues().size === 1200, 30_000);
    const afterLeave = deliveries.slice(leftAt);
    expect(new Set(afterLeave.map((d) => d.consumer))).toEqual(new Set(['c1', 'c2']));
    // The survivors own every partition now, c3's included.
    const last = deliveries.filter((d) => Number(d.value.slice(2)) >= 1140);
    expect(new Set(last.map((d) => d.partition)).size).toBe(PARTITIONS);
    expect(new Set(last.map((d) => d.consumer))).toEqual(new Set(['c1', 'c2']));
  });

  it('re-delivers only messages that were not yet committed (at-least-once)', async () => {
    const seen = new Map<string, Delivery>();
    for (const d of deliveries) {
      const key = `${d.partition}/${d.offset}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, d);
        continue;
      }
      expect(first.value).toBe(d.value);
      // A second delivery of an offset must come from a new owner that started at the committed position.
      expect(d.offset).toBeGreaterThanOrEqual(d.committedAtDelivery);
    }
    expect(seen.size).toBe(1200);
  });

  it('shows committed offsets to the admin client, up to the end of every partition', async () => {
    const ends = await admin.fetchTopicOffsets(TOPIC);
    await waitFor('all offsets committed', async () => {
      const [t] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      return t.partitions.every(
        (p) => p.offset === ends.find((e) => e.partition === p.partition)!.high,
      );
    });
    const [topic] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    expect(topic.partitions).toHaveLength(PARTITIONS);
    expect(topic.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(1200);
  });

  it('keeps committed offsets across a broker restart; a new member resumes from them', async () => {
    for (const c of consumers.values()) await c.disconnect();
    consumers.clear();
    await waitFor('an empty group', async () => (await groupState()).state === 'Empty');
    const before = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });

    await producer.disconnect();
    await admin.disconnect();
    tb = await tb.restart();
    kafka = client(tb.bootstrap);
    producer = kafka.producer();
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();

    expect(await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })).toEqual(before);
    const listed = await admin.listGroups();
    expect(listed.groups).toContainEqual({ groupId: GROUP, protocolType: 'consumer' });

    const resumedFrom = deliveries.length;
    consumers.set('c4', await startConsumer('c4'));
    await produce(1200, 60);
    await waitFor('the 60 new messages', () => distinctValues().size === 1260);
    const fresh = deliveries.slice(resumedFrom);
    // Nothing below the committed offsets is consumed again.
    expect(fresh.every((d) => Number(d.value.slice(2)) >= 1200)).toBe(true);
    expect(fresh).toHaveLength(60);
  });

  it('deletes the group only once it is empty', async () => {
    await expect(admin.deleteGroups([GROUP])).rejects.toThrow();
    await consumers.get('c4')!.disconnect();
    consumers.clear();
    await waitFor('an empty group', async () => (await groupState()).state === 'Empty');
    const [result] = await admin.deleteGroups([GROUP]);
    expect(result.errorCode).toBe(0);
    expect((await groupState()).state).toBe('Dead');
    const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    expect(offsets.partitions.every((p) => p.offset === '-1')).toBe(true);
  });

  it('a running member rides through a broker restart: no rebalance, nothing delivered twice', async () => {
    const topic = 'restart-topic';
    const seen: string[] = [];
    const joins: string[] = [];
    await producer.send({ topic, messages: [{ value: 'a' }] });
    const rider = kafka.consumer({
      groupId: 'riders',
      sessionTimeout: 6_000,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 100,
      retry: { initialRetryTime: 50, retries: 30 },
    });
    rider.on(rider.events.GROUP_JOIN, ({ payload }) => void joins.push(payload.memberId));
    await rider.connect();
    await rider.subscribe({ topic, fromBeginning: true });
    await rider.run({
      eachMessage: async ({ message }) => void seen.push(message.value!.toString()),
    });
    await waitFor('the first message', () => seen.length === 1);
    await waitFor('its commit', async () => {
      const [t] = await admin.fetchOffsets({ groupId: 'riders', topics: [topic] });
      return t.partitions.some((p) => p.offset === '1');
    });

    await producer.disconnect();
    await admin.disconnect();
    tb = await tb.restart();
    kafka = client(tb.bootstrap);
    producer = kafka.producer();
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();

    await producer.send({ topic, messages: [{ value: 'b' }, { value: 'c' }] });
    await waitFor('the messages sent after the restart', () => seen.length >= 3);
    await new Promise((r) => setTimeout(r, 500));
    await rider.disconnect();
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(joins).toHaveLength(1); // the group was restored Stable: no rejoin
  });
});
