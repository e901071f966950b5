/**
 * Topic log policies as real clients see them (kafkajs and kcat against the in-process
 * broker): retention by size and by time move the log start, and consumers reading from the
 * beginning start there; compaction keeps the latest value per key and drops tombstones older
 * than delete.retention.ms; compacted topics refuse keyless records; LogAppendTime replaces
 * producer timestamps; max.message.bytes bounds the batch as sent (compressed).
 *
 * The broker rolls segments at 4 KiB (log.segment.bytes; the topic config segment.bytes cannot
 * go below 1 MiB) and runs its retention/compaction pass every 200 ms; tests that need a pass
 * at a given point also run one themselves.
 */
import { randomBytes } from 'node:crypto';
import { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kcatConsume, kcatProduce, ProcessError, type KcatRecord } from '@tributary/testing';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const SEGMENT_BYTES = 4096;
const HOUR = 3_600_000;

let tb: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

async function createTopic(topic: string, configs: Record<string, string>): Promise<void> {
  const created = await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      },
    ],
  });
  expect(created).toBe(true);
}

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function failure(p: Promise<unknown>): Promise<Error & { type?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { type?: string };
  }
  throw new Error('expected the call to fail');
}

/** Sends each message in its own request (its own batch), returning the offsets. */
async function produceOneByOne(
  topic: string,
  messages: Array<{ key?: string | null; value: string | null; timestamp?: number }>,
): Promise<number[]> {
  const offsets: number[] = [];
  for (const m of messages) {
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: m.key ?? null,
          value: m.value,
          ...(m.timestamp !== undefined ? { timestamp: String(m.timestamp) } : {}),
        },
      ],
    });
    offsets.push(Number(meta.baseOffset));
  }
  return offsets;
}

async function offsets(topic: string): Promise<{ low: number; high: number }> {
  const [p] = await admin.fetchTopicOffsets(topic);
  return { low: Number(p.low), high: Number(p.high) };
}

interface Consumed {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

/** Reads the whole topic from the beginning with a fresh kafkajs consumer group. */
async function consumeFromBeginning(topic: string): Promise<Consumed[]> {
  const { low, high } = await offsets(topic);
  const out: Consumed[] = [];
  const consumer = kafka.consumer({
    groupId: `policies-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        out.push({
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          timestamp: Number(message.timestamp),
        });
      },
    });
    await waitFor(`${topic} up to ${high}`, () => out.at(-1)?.offset === high - 1);
  } finally {
    await consumer.disconnect();
  }
  expect(out[0]?.offset).toBeGreaterThanOrEqual(low);
  return out;
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString());

beforeAll(async () => {
  tb = await startTestBroker({
    'log.segment.bytes': String(SEGMENT_BYTES),
    'log.retention.check.interval.ms': '200',
    'auto.create.topics.enable': 'false',
  });
  kafka = new Kafka({
    clientId: 'policies-it',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 5 },
  });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await tb?.stop();
});

describe('retention', () => {
  it('retention.bytes deletes the oldest segments; consumers from the beginning start at the new log start', async () => {
    await createTopic('by-size', { 'retention.bytes': String(3 * SEGMENT_BYTES) });
    const values = Array.from({ length: 80 }, (_, i) => `${i}:${'s'.repeat(300)}`);
    await produceOneByOne(
      'by-size',
      values.map((value) => ({ value })),
    );
    const log = tb.broker.context.topics.partition('by-size', 0)!;
    // Kafka's rule: the oldest segment goes while the rest still holds retention.bytes, so
    // what is left is at least retention.bytes and less than one more segment. The periodic
    // pass (log.retention.check.interval.ms) gets there; passes may also run mid-produce.
    const retained = async (): Promise<number> => {
      const left = await log.read(log.logStartOffset, 1 << 20, { minOneBatch: true });
      if (!left.ok) throw new Error(`read failed with ${left.errorCode}`);
      return left.records.reduce((n, b) => n + b.length, 0);
    };
    await waitFor('retention.bytes to apply', async () => (await retained()) < 4 * SEGMENT_BYTES);
    expect(await retained()).toBeGreaterThanOrEqual(3 * SEGMENT_BYTES);
    const { low, high } = await offsets('by-size');
    expect(low).toBeGreaterThan(0);
    expect(high).toBe(80);
    expect(log.logStartOffset).toBe(low);

    const viaKafkajs = await consumeFromBeginning('by-size');
    expect(viaKafkajs[0].offset).toBe(low);
    expect(viaKafkajs.map((r) => r.value)).toEqual(values.slice(low));
    const viaKcat = await kcatConsume({ bootstrap: tb.bootstrap, topic: 'by-size' });
    expect(viaKcat.map((r) => r.offset)).toEqual(values.slice(low).map((_, i) => low + i));
    // ListOffsets by an old timestamp answers the new start too.
    const [byTime] = await admin.fetchTopicOffsetsByTimestamp('by-size', 0);
    expect(Number(byTime.offset)).toBe(low);
  });

  it('retention.ms deletes segments whose records are all older; the rest stays readable', async () => {
    await createTopic('by-time', { 'retention.ms': String(HOUR) });
    const old = Date.now() - 2 * HOUR;
    const oldValues = Array.from({ length: 40 }, (_, i) => `old-${i}:${'t'.repeat(300)}`);
    const newValues = Array.from({ length: 10 }, (_, i) => `new-${i}:${'t'.repeat(300)}`);
    await produceOneByOne('by-time', [
      ...oldValues.map((value, i) => ({ value, timestamp: old + i })),
      ...newValues.map((value) => ({ value })),
    ]);
    await waitFor('the log start to move', async () => (await offsets('by-time')).low > 0);
    await tb.broker.context.topics.runMaintenance();
    const { low, high } = await offsets('by-time');
    expect(high).toBe(50);
    // Only whole old segments went: the segment holding the first new record stays, with the
    // old records that share it (at most a segment's worth).
    expect(low).toBeLessThanOrEqual(40);
    expect(low).toBeGreaterThanOrEqual(40 - Math.ceil(SEGMENT_BYTES / 300));
    const read = await consumeFromBeginning('by-time');
    expect(read[0].offset).toBe(low);
    expect(read.map((r) => r.value)).toEqual([...oldValues, ...newValues].slice(low));
    expect(read.slice(40 - low).every((r) => r.timestamp > Date.now() - HOUR)).toBe(true);
  });
});

describe('compaction', () => {
  it('keeps the latest value per key and drops tombstones older than delete.retention.ms', async () => {
    await createTopic('compacted', {
      'cleanup.policy': 'compact',
      'min.cleanable.dirty.ratio': '0.01',
      'delete.retention.ms': String(HOUR),
    });
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
    const latest = new Map<string, { offset: number; value: string | null }>();
    const pad = 'c'.repeat(200);
    for (let version = 0; version < 5; version++) {
      const sent = await produceOneByOne(
        'compacted',
        keys.map((key) => ({ key, value: `${key}=v${version} ${pad}` })),
      );
      keys.forEach((key, i) =>
        latest.set(key, { offset: sent[i], value: `${key}=v${version} ${pad}` }),
      );
    }
    // Two tombstones: key-3's carries a timestamp two hours old (past delete.retention.ms),
    // key-6's is fresh.
    const [oldTomb, freshTomb] = await produceOneByOne('compacted', [
      { key: 'key-3', value: null, timestamp: Date.now() - 2 * HOUR },
      { key: 'key-6', value: null },
    ]);
    latest.set('key-6', { offset: freshTomb, value: null });
    latest.delete('key-3');
    expect(oldTomb).toBe(40);
    // Records with other keys push everything above into closed (cleanable) segments.
    const fillers = await produceOneByOne(
      'compacted',
      Array.from({ length: 30 }, (_, i) => ({ key: `filler-${i}`, value: `f${i} ${pad}` })),
    );
    fillers.forEach((offset, i) => latest.set(`filler-${i}`, { offset, value: `f${i} ${pad}` }));

    const log = tb.broker.context.topics.partition('compacted', 0)!;
    const high = log.highWatermark;
    let records: KcatRecord[] = [];
    await waitFor('a compaction pass over the keyed records', async () => {
      await tb.broker.context.topics.runMaintenance();
      records = await kcatConsume({ bootstrap: tb.bootstrap, topic: 'compacted' });
      return new Set(records.map((r) => text(r.key))).size === records.length;
    });

    // kcat (librdkafka) reading from the beginning: one record per live key at its original
    // offset, the fresh tombstone still there, key-3 gone with its tombstone.
    const byKey = new Map(records.map((r) => [text(r.key)!, r]));
    expect(new Set(byKey.keys())).toEqual(new Set(latest.keys()));
    for (const [key, want] of latest) {
      const got = byKey.get(key)!;
      expect(got.offset, key).toBe(want.offset);
      expect(text(got.value), key).toBe(want.value);
    }
    expect(byKey.get('key-6')!.value).toBeNull();
    // Offsets are kept, so the end does not move; kafkajs sees the same records.
    expect(log.highWatermark).toBe(high);
    const viaKafkajs = await consumeFromBeginning('compacted');
    expect(viaKafkajs.map((r) => [r.offset, r.key, r.value])).toEqual(
      records.map((r) => [r.offset, text(r.key), text(r.value)]),
    );

    // Once delete.retention.ms is shorter than key-6's tombstone's age, the next pass (over
    // new dirty segments) drops it too.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name: 'compacted',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'delete.retention.ms', value: '1' },
          ],
        },
      ],
    });
    const more = await produceOneByOne(
      'compacted',
      Array.from({ length: 30 }, (_, i) => ({ key: `more-${i}`, value: `m${i} ${pad}` })),
    );
    more.forEach((offset, i) => latest.set(`more-${i}`, { offset, value: `m${i} ${pad}` }));
    latest.delete('key-6');
    await waitFor('the fresh tombstone to go', async () => {
      await tb.broker.context.topics.runMaintenance();
      records = await kcatConsume({ bootstrap: tb.bootstrap, topic: 'compacted' });
      return !records.some((r) => text(r.key) === 'key-6');
    });
    expect(records.map((r) => [text(r.key), r.offset, text(r.value)])).toEqual(
      [...latest]
        .sort((a, b) => a[1].offset - b[1].offset)
        .map(([key, want]) => [key, want.offset, want.value]),
    );
  });

  it('refuses a record without a key with INVALID_RECORD (kafkajs and kcat)', async () => {
    await createTopic('compacted-keys', { 'cleanup.policy': 'compact' });
    const err = await failure(
      producer.send({ topic: 'compacted-keys', acks: -1, messages: [{ value: 'no key' }] }),
    );
    expect(err.name).toBe('KafkaJSProtocolError');
    expect(err.type).toBe('INVALID_RECORD');
    // One keyless record refuses its whole batch.
    const batchErr = await failure(
      producer.send({
        topic: 'compacted-keys',
        acks: -1,
        messages: [{ key: 'k', value: 'fine' }, { value: 'no key' }],
      }),
    );
    expect(batchErr.type).toBe('INVALID_RECORD');
    const kcatErr = await failure(
      kcatProduce({ bootstrap: tb.bootstrap, topic: 'compacted-keys', timeoutMs: 30_000 }, [
        { value: 'no key from kcat' },
      ]),
    );
    expect(kcatErr).toBeInstanceOf(ProcessError);
    expect((kcatErr as ProcessError).result.stderr).toMatch(
      /Broker: Broker failed to validate record/,
    );
    expect(await offsets('compacted-keys')).toEqual({ low: 0, high: 0 });
    await producer.send({
      topic: 'compacted-keys',
      acks: -1,
      messages: [{ key: 'k', value: 'v' }],
    });
    expect(await offsets('compacted-keys')).toEqual({ low: 0, high: 1 });
  });
});

describe('message.timestamp.type', () => {
  it('LogAppendTime gives consumers the broker time; CreateTime keeps the producer time', async () => {
    await createTopic('append-time', { 'message.timestamp.type': 'LogAppendTime' });
    // (A 2001 timestamp is past the default retention: keep it.)
    await createTopic('create-time', {
      'message.timestamp.type': 'CreateTime',
      'retention.ms': '-1',
    });
    const producerTime = 1_000_000_000_000; // 2001
    const before = Date.now();
    const [appended] = await producer.send({
      topic: 'append-time',
      acks: -1,
      messages: [
        { key: 'a', value: 'x', timestamp: String(producerTime) },
        { key: 'b', value: 'y', timestamp: String(producerTime + 5) },
      ],
    });
    const after = Date.now();
    const logAppendTime = Number(appended.logAppendTime);
    expect(logAppendTime).toBeGreaterThanOrEqual(before);
    expect(logAppendTime).toBeLessThanOrEqual(after);
    const [created] = await producer.send({
      topic: 'create-time',
      acks: -1,
      messages: [{ key: 'a', value: 'x', timestamp: String(producerTime) }],
    });
    expect(created.logAppendTime).toBe('-1');

    const appendRead = await consumeFromBeginning('append-time');
    expect(appendRead.map((r) => r.timestamp)).toEqual([logAppendTime, logAppendTime]);
    const kcatRead = await kcatConsume({ bootstrap: tb.bootstrap, topic: 'append-time' });
    expect(kcatRead.map((r) => r.timestamp)).toEqual([logAppendTime, logAppendTime]);
    expect((await consumeFromBeginning('create-time')).map((r) => r.timestamp)).toEqual([
      producerTime,
    ]);
    // Time lookups use the broker's timestamps on a LogAppendTime topic.
    const [early] = await admin.fetchTopicOffsetsByTimestamp('append-time', producerTime + 1);
    expect(early.offset).toBe('0');
    const [late] = await admin.fetchTopicOffsetsByTimestamp('append-time', logAppendTime + 1);
    expect(late.offset).toBe('2');
  });
});

describe('max.message.bytes', () => {
  it('refuses a batch larger than the topic limit with MESSAGE_TOO_LARGE, counting compressed bytes', async () => {
    await createTopic('small-batches', {
      'max.message.bytes': '2048',
      'segment.bytes': String(1024 * 1024),
    });
    const messages = Array.from({ length: 10 }, (_, i) => ({
      key: `k${i}`,
      value: `${i}${'m'.repeat(300)}`,
    }));
    const tooLarge = await failure(producer.send({ topic: 'small-batches', acks: -1, messages }));
    expect(tooLarge.name).toBe('KafkaJSProtocolError');
    expect(tooLarge.type).toBe('MESSAGE_TOO_LARGE');
    // The same records gzip-compressed make a batch well under the limit.
    const [meta] = await producer.send({
      topic: 'small-batches',
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages,
    });
    expect(meta).toMatchObject({ errorCode: 0, baseOffset: '0' });
    // librdkafka sees the broker's answer too.
    const kcatErr = await failure(
      kcatProduce({ bootstrap: tb.bootstrap, topic: 'small-batches', timeoutMs: 30_000 }, [
        { key: 'big', value: 'b'.repeat(3000) },
      ]),
    );
    expect((kcatErr as ProcessError).result.stderr).toMatch(/Broker: Message size too large/i);
    expect(await offsets('small-batches')).toEqual({ low: 0, high: 10 });
    const read = await consumeFromBeginning('small-batches');
    expect(read.map((r) => r.value)).toEqual(messages.map((m) => m.value));
  });
});
