/**
 * kafkajs 2.2.4 producer and admin paths against the in-process broker (the group paths are
 * in groups-kafkajs.test.ts): acks 0/1/-1, gzip, headers and null keys/values byte-identical,
 * sendBatch over several topics, an idempotent producer whose acknowledged-but-lost produce
 * is retried (through a proxy that drops one response) without duplicating, the error a
 * transactional producer gets, ListOffsets (latest, earliest, by timestamp) and seek.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompressionTypes,
  Kafka,
  logLevel,
  type Admin,
  type IHeaders,
  type Message,
  type Producer,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../src/broker.js';
import { parseArgs } from '../src/config/parse-args.js';
import { createLogger } from '../src/logger.js';

/**
 * A TCP proxy in front of the broker (the broker advertises the proxy, so every client
 * connection goes through it). When armed, it forwards the next Produce request to the broker
 * but swallows the broker's answer and cuts the client's connection: the records are appended,
 * the producer never hears so, and retries.
 */
class ResponseDroppingProxy {
  private armed = 0;
  dropped = 0;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly server: Server,
    private targetPort = 0,
  ) {
    server.on('connection', (client) => this.pipe(client));
  }

  static async listen(): Promise<ResponseDroppingProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ResponseDroppingProxy(server);
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  forwardTo(port: number): void {
    this.targetPort = port;
  }

  /** Drop the response to the next `n` Produce requests (acks != 0). */
  dropNextProduceResponses(n: number): void {
    this.armed += n;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const doomed = new Set<number>();
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.on(
      'data',
      frames((frame) => {
        const apiKey = frame.readInt16BE(4);
        const acks = apiKey === 0 ? produceAcks(frame) : 0;
        if (apiKey === 0 && acks !== 0 && this.armed > 0) {
          this.armed--;
          doomed.add(frame.readInt32BE(8));
        }
        upstream.write(frame);
      }),
    );
    upstream.on(
      'data',
      frames((frame) => {
        if (doomed.has(frame.readInt32BE(4))) {
          this.dropped++;
          cut();
          return;
        }
        client.write(frame);
      }),
    );
  }
}

/** Splits a byte stream into whole Kafka frames (4-byte size prefix included). */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  };
}

/** acks of a Produce request v3-v8 (kafkajs): after the header and the transactional id. */
function produceAcks(frame: Buffer): number {
  let pos = 12;
  const clientIdLength = frame.readInt16BE(pos);
  pos += 2 + Math.max(clientIdLength, 0);
  const txnIdLength = frame.readInt16BE(pos);
  pos += 2 + Math.max(txnIdLength, 0);
  return frame.readInt16BE(pos);
}

let proxy: ResponseDroppingProxy;
let broker: Broker;
let dataDir: string;
let kafka: Kafka;
let admin: Admin;
const open: Array<{ disconnect(): Promise<void> }> = [];

function client(retries = 5): Kafka {
  return new Kafka({
    clientId: 'kafkajs-it',
    brokers: [`127.0.0.1:${proxy.port}`],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries },
  });
}

async function producer(options: Parameters<Kafka['producer']>[0] = {}): Promise<Producer> {
  const p = kafka.producer({ allowAutoTopicCreation: false, ...options });
  await p.connect();
  open.push(p);
  return p;
}

async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  expect(await admin.createTopics({ topics: [{ topic, numPartitions }] })).toBe(true);
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Consumed {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: number;
}

/** Every record of `topic` from the beginning, read by a fresh consumer group. */
async function readTopic(topic: string): Promise<Consumed[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const out: Consumed[] = [];
  const consumer = kafka.consumer({
    groupId: `reader-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({
          partition,
          offset: Number(message.offset),
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          timestamp: Number(message.timestamp),
        });
      },
    });
    await waitFor(`${total} records of ${topic}`, () => out.length >= total);
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString());

beforeAll(async () => {
  // The proxy listens first so the broker can advertise it.
  proxy = await ResponseDroppingProxy.listen();
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-kafkajs-'));
  broker = await Broker.start(
    parseArgs([
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--advertised',
      `127.0.0.1:${proxy.port}`,
      '--set',
      'group.initial.rebalance.delay.ms=0',
      '--set',
      'auto.create.topics.enable=false',
    ]),
    createLogger('warn'),
  );
  proxy.forwardTo(broker.address.port);
  kafka = client();
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  for (const c of open) await c.disconnect().catch(() => undefined);
  await admin?.disconnect();
  await broker?.stop();
  await proxy?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('kafkajs producer', () => {
  it('acks=-1 and acks=1 report dense offsets; acks=0 appends without an answer', async () => {
    await createTopic('acks');
    const p = await producer();
    const batch = (tag: string): Message[] =>
      Array.from({ length: 5 }, (_, i) => ({ value: `${tag}-${i}` }));
    const all = await p.send({ topic: 'acks', acks: -1, messages: batch('all') });
    expect(all).toEqual([
      expect.objectContaining({ topicName: 'acks', partition: 0, errorCode: 0, baseOffset: '0' }),
    ]);
    const leader = await p.send({ topic: 'acks', acks: 1, messages: batch('one') });
    expect(leader[0]).toMatchObject({ errorCode: 0, baseOffset: '5' });
    // No response for acks=0: kafkajs resolves with no metadata at all.
    expect(await p.send({ topic: 'acks', acks: 0, messages: batch('none') })).toEqual([]);
    // The broker answers requests of one connection in order, so this acks=-1 request
    // is answered after the acks=0 one was appended.
    const after = await p.send({ topic: 'acks', acks: -1, messages: [{ value: 'last' }] });
    expect(after[0].baseOffset).toBe('15');
    const read = await readTopic('acks');
    expect(read.map((r) => text(r.value))).toEqual([
      ...['all', 'one', 'none'].flatMap((t) => batch(t).map((m) => m.value)),
      'last',
    ]);
    expect(read.map((r) => r.offset)).toEqual(read.map((_, i) => i));
  });

  it('keeps gzip batches compressed on disk and decompresses them for consumers', async () => {
    await createTopic('gzip');
    const p = await producer();
    const messages = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i}`,
      value: `${i}:${'compressible '.repeat(80)}`,
    }));
    const rawBytes = messages.reduce((n, m) => n + m.value.length, 0);
    const [meta] = await p.send({
      topic: 'gzip',
      compression: CompressionTypes.GZIP,
      acks: -1,
      messages,
    });
    expect(meta).toMatchObject({ errorCode: 0, baseOffset: '0' });
    // The broker stores what the producer sent (compression.type=producer).
    const log = broker.context.topics.partition('gzip', 0)!;
    expect(log.highWatermark).toBe(200);
    expect(log.sizeBytes).toBeLessThan(rawBytes / 10);
    const read = await readTopic('gzip');
    expect(read.map((r) => [text(r.key), text(r.value)])).toEqual(
      messages.map((m) => [m.key, m.value]),
    );
  });

  it('round-trips null keys, null values, empty buffers and binary headers byte for byte', async () => {
    await createTopic('nulls');
    const p = await producer();
    const bin = (n: number): Buffer => randomBytes(n);
    const messages: Array<{ key: Buffer | null; value: Buffer | null; headers?: IHeaders }> = [
      { key: null, value: null },
      { key: bin(16), value: null },
      { key: null, value: bin(300) },
      { key: Buffer.alloc(0), value: Buffer.alloc(0) },
      {
        key: bin(8),
        value: bin(64),
        headers: { trace: bin(24), 'content-type': Buffer.from('application/octet-stream') },
      },
      // One key twice: kafkajs hands repeated header keys back as an array, in order.
      { key: null, value: bin(1), headers: { dup: [Buffer.from('first'), Buffer.from('second')] } },
    ];
    await p.send({ topic: 'nulls', acks: -1, messages });
    const read = await readTopic('nulls');
    expect(read).toHaveLength(messages.length);
    read.forEach((r, i) => {
      const m = messages[i];
      expect(r.key, `key of #${i}`).toEqual(m.key);
      expect(r.value, `value of #${i}`).toEqual(m.value);
      expect(r.headers, `headers of #${i}`).toEqual(m.headers ?? {});
    });
    // null and empty stay distinct.
    expect(read[0].value).toBeNull();
    expect(read[3].value).toEqual(Buffer.alloc(0));
  });

  it('sendBatch writes to several topics and partitions in one call', async () => {
    await createTopic('batch-a', 2);
    await createTopic('batch-b', 1);
    await createTopic('batch-c', 3);
    const p = await producer();
    const spec: Array<[string, number]> = [
      ['batch-a', 2],
      ['batch-b', 1],
      ['batch-c', 3],
    ];
    const result = await p.sendBatch({
      acks: -1,
      topicMessages: spec.map(([topic, partitions]) => ({
        topic,
        messages: Array.from({ length: 4 * partitions }, (_, i) => ({
          partition: i % partitions,
          value: `${topic}:${i}`,
        })),
      })),
    });
    expect(
      result.map((r) => `${r.topicName}/${r.partition}@${r.baseOffset}:${r.errorCode}`).sort(),
    ).toEqual(spec.flatMap(([t, n]) => Array.from({ length: n }, (_, i) => `${t}/${i}@0:0`)));
    for (const [topic, partitions] of spec) {
      const read = await readTopic(topic);
      expect(read).toHaveLength(4 * partitions);
      for (const r of read) {
        const i = Number(text(r.value)!.split(':')[1]);
        expect(r.partition).toBe(i % partitions);
        expect(r.offset).toBe(Math.floor(i / partitions));
      }
    }
  });
});

describe('retries through a lost produce response', () => {
  it('a plain producer appends its retried batch twice (the proxy works)', async () => {
    await createTopic('retry-plain');
    const p = await producer({ maxInFlightRequests: 1 });
    proxy.dropNextProduceResponses(1);
    const dropped = proxy.dropped;
    const [meta] = await p.send({ topic: 'retry-plain', acks: -1, messages: [{ value: 'once' }] });
    expect(proxy.dropped).toBe(dropped + 1);
    // The first attempt landed at offset 0; kafkajs only heard of the retry.
    expect(meta).toMatchObject({ errorCode: 0, baseOffset: '1' });
    expect((await readTopic('retry-plain')).map((r) => text(r.value))).toEqual(['once', 'once']);
  });

  it('an idempotent producer (maxInFlightRequests 1) gets its original offset back, appended once', async () => {
    await createTopic('retry-idempotent');
    const p = await producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.send({ topic: 'retry-idempotent', messages: [{ value: 'a' }, { value: 'b' }] });
    proxy.dropNextProduceResponses(1);
    const dropped = proxy.dropped;
    const [meta] = await p.send({
      topic: 'retry-idempotent',
      messages: [{ value: 'c' }, { value: 'd' }],
    });
    expect(proxy.dropped).toBe(dropped + 1);
    expect(meta).toMatchObject({ errorCode: 0, baseOffset: '2' });
    // The sequence numbers continue after the deduplicated retry.
    const [next] = await p.send({ topic: 'retry-idempotent', messages: [{ value: 'e' }] });
    expect(next).toMatchObject({ errorCode: 0, baseOffset: '4' });
    const read = await readTopic('retry-idempotent');
    expect(read.map((r) => text(r.value))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(read.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('transactions', () => {
  it('a transactional producer fails fast with the error kafkajs surfaces', async () => {
    await createTopic('txn');
    // Two retries keep this short; the answer does not change with more.
    const p = client(2).producer({
      transactionalId: 'txn-producer',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await p.connect();
    open.push(p);
    const err = await p.transaction().then(
      () => null,
      (e: unknown) => e as Error & { type?: string; retriable?: boolean },
    );
    expect(err).not.toBeNull();
    // kafkajs finds the transaction coordinator (this broker), then InitProducerId with a
    // transactional id answers UNSUPPORTED_VERSION: transactions are not supported.
    expect(err!.name).toBe('KafkaJSProtocolError');
    expect(err!.message).toBe('The version of API is not supported');
    expect((err as { type?: string }).type).toBe('UNSUPPORTED_VERSION');
    expect(err!.retriable).toBe(false);
    // Nothing was written, and the producer's failure does not affect the topic.
    expect((await admin.fetchTopicOffsets('txn'))[0].high).toBe('0');
  });
});

describe('kafkajs admin offsets', () => {
  it('lists topics, earliest/latest offsets and offsets by timestamp per partition', async () => {
    await createTopic('times', 2);
    const p = await producer();
    const t0 = Date.now() - 60_000;
    // Partition p gets records with timestamps t0 + 1000 * i, i = 0..5 (partition 1: +500).
    for (const partition of [0, 1]) {
      await p.send({
        topic: 'times',
        acks: -1,
        messages: Array.from({ length: 6 }, (_, i) => ({
          partition,
          value: `${partition}-${i}`,
          timestamp: String(t0 + 1000 * i + 500 * partition),
        })),
      });
    }
    expect(await admin.listTopics()).toEqual(
      expect.arrayContaining(['acks', 'gzip', 'nulls', 'times']),
    );
    expect(await admin.fetchTopicOffsets('times')).toEqual([
      { partition: 0, offset: '6', high: '6', low: '0' },
      { partition: 1, offset: '6', high: '6', low: '0' },
    ]);
    const at = async (ts: number): Promise<string[]> =>
      (await admin.fetchTopicOffsetsByTimestamp('times', ts))
        .sort((a, b) => a.partition - b.partition)
        .map((o) => o.offset);
    // The first record whose timestamp is >= the target.
    expect(await at(t0)).toEqual(['0', '0']);
    expect(await at(t0 + 1)).toEqual(['1', '0']);
    expect(await at(t0 + 2500)).toEqual(['3', '2']);
    expect(await at(t0 + 5000)).toEqual(['5', '5']);
    expect(await at(t0 + 5200)).toEqual(['6', '5']);
    // Past every record: the broker answers -1 and kafkajs substitutes the high watermark.
    expect(await at(t0 + 10_000)).toEqual(['6', '6']);
    // After DeleteRecords the earliest offset moves, and old timestamps resolve to it.
    await admin.deleteTopicRecords({ topic: 'times', partitions: [{ partition: 0, offset: '2' }] });
    expect((await admin.fetchTopicOffsets('times'))[0]).toMatchObject({ low: '2', high: '6' });
    expect(await at(t0)).toEqual(['2', '0']);
  });
});

describe('kafkajs consumer seek', () => {
  it('re-reads from the offset it seeks to, and jumps forward', async () => {
    await createTopic('seek');
    const p = await producer();
    await p.send({
      topic: 'seek',
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `s${i}` })),
    });
    const seen: number[] = [];
    const consumer = kafka.consumer({ groupId: 'seeker', maxWaitTimeInMs: 50 });
    await consumer.connect();
    open.push(consumer);
    await consumer.subscribe({ topic: 'seek', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(Number(message.offset)),
    });
    await waitFor('the ten records', () => seen.length >= 10);
    consumer.seek({ topic: 'seek', partition: 0, offset: '3' });
    await waitFor('the re-read from 3', () => seen.length >= 17);
    consumer.seek({ topic: 'seek', partition: 0, offset: '8' });
    await waitFor('the jump to 8', () => seen.length >= 19);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 4, 5, 6, 7, 8, 9, 8, 9]);
    // Seeking past the end waits there: a new record at offset 10 is the next one.
    consumer.seek({ topic: 'seek', partition: 0, offset: '10' });
    await p.send({ topic: 'seek', acks: -1, messages: [{ value: 's10' }] });
    await waitFor('offset 10', () => seen.length >= 20);
    expect(seen[19]).toBe(10);
    await consumer.disconnect();
  });
});
