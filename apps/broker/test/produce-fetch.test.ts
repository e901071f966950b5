/**
 * Produce and Fetch at the wire level with hand-built batches: offsets, byte-identical reads,
 * long polls, and each kind of bad batch answered with its precise error while nothing
 * acknowledged is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  CompressionCodec,
  ErrorCode,
  buildBatch,
  decodeRecords,
  makeFetchRequest,
  makeFetchRequestFetchPartition,
  makeFetchRequestFetchTopic,
  makeListOffsetsRequest,
  makeMetadataRequest,
  makeProduceRequest,
  type FetchResponse,
  type ListOffsetsResponse,
  type MetadataResponse,
  type ProduceResponse,
} from '@tributary/kafka-protocol';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

let tb: TestBroker;
let c: RawClient;
const TOPIC = 'wire-topic';

beforeAll(async () => {
  tb = await startTestBroker({ 'message.max.bytes': '20000', 'num.partitions': '2' });
  c = await RawClient.connect(tb.port);
  const md = await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({
      topics: [{ name: TOPIC, topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: true,
    }),
  );
  expect(md.topics[0].errorCode).toBe(ErrorCode.NONE);
  expect(md.topics[0].partitions).toHaveLength(2);
});
afterAll(async () => {
  c.close();
  await tb.stop();
});

function produce(
  records: Buffer | null,
  acks = -1,
  partition = 0,
  topic = TOPIC,
): Promise<ProduceResponse> {
  return c.call<ProduceResponse>(
    ApiKey.Produce,
    9,
    makeProduceRequest({
      acks,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    }),
  );
}

function fetch(
  offset: number,
  opts: {
    maxWaitMs?: number;
    minBytes?: number;
    partitionMaxBytes?: number;
    partition?: number;
  } = {},
): Promise<FetchResponse> {
  return c.call<FetchResponse>(
    ApiKey.Fetch,
    12,
    makeFetchRequest({
      replicaId: -1,
      maxWaitMs: opts.maxWaitMs ?? 0,
      minBytes: opts.minBytes ?? 1,
      maxBytes: 10_000_000,
      topics: [
        makeFetchRequestFetchTopic({
          topic: TOPIC,
          partitions: [
            makeFetchRequestFetchPartition({
              partition: opts.partition ?? 0,
              fetchOffset: offset,
              partitionMaxBytes: opts.partitionMaxBytes ?? 1_000_000,
              currentLeaderEpoch: -1,
              logStartOffset: -1,
            }),
          ],
        }),
      ],
    }),
  );
}

const batch = (n: number, codec = CompressionCodec.None) =>
  buildBatch({
    codec,
    records: Array.from({ length: n }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`value-${i}`),
    })),
  });

describe('produce and fetch', () => {
  const sent: Buffer[] = [];

  it('assigns consecutive offsets and reads batches back byte-identical', async () => {
    for (const codec of [
      CompressionCodec.None,
      CompressionCodec.Gzip,
      CompressionCodec.Snappy,
      CompressionCodec.Lz4,
      CompressionCodec.Zstd,
    ]) {
      const b = batch(10, codec);
      const res = await produce(b);
      const p = res.responses[0].partitionResponses[0];
      expect(p.errorCode).toBe(ErrorCode.NONE);
      expect(p.baseOffset).toBe(sent.length * 10);
      sent.push(b);
    }
    const res = await fetch(0);
    const part = res.responses[0].partitions[0];
    expect(part.errorCode).toBe(ErrorCode.NONE);
    expect(part.highWatermark).toBe(50);
    const got = part.records as Buffer; // decoded records are one slice of the frame
    expect(got.length).toBe(sent.reduce((n, b) => n + b.length, 0));
    let pos = 0;
    sent.forEach((b, i) => {
      const back = got.subarray(pos, pos + b.length);
      expect(back.readBigInt64BE(0)).toBe(BigInt(i * 10));
      expect(back.subarray(8).equals(b.subarray(8))).toBe(true);
      expect(decodeRecords(back).map((r) => r.value?.toString())).toEqual(
        Array.from({ length: 10 }, (_, j) => `value-${j}`),
      );
      pos += b.length;
    });
  });

  it('rejects a CRC mismatch with CORRUPT_MESSAGE and appends nothing', async () => {
    const b = batch(3);
    b[b.length - 1] ^= 0x55;
    const p = (await produce(b)).responses[0].partitionResponses[0];
    expect(p.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await fetch(0)).responses[0].partitions[0].highWatermark).toBe(50);
  });

  it('rejects a batch over max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    const big = buildBatch({ records: [{ value: Buffer.alloc(30_000, 1) }] });
    const p = (await produce(big)).responses[0].partitionResponses[0];
    expect(p.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('rejects truncated batches, old magic and missing partitions', async () => {
    const b = batch(3);
    expect((await produce(b.subarray(0, 50))).responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.CORRUPT_MESSAGE,
    );
    const old = Buffer.from(b);
    old[16] = 1;
    expect((await produce(old)).responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
    );
    expect((await produce(b, -1, 7)).responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    expect(
      (await produce(b, -1, 0, 'no-such-topic')).responses[0].partitionResponses[0].errorCode,
    ).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce(b, 2)).responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.INVALID_REQUIRED_ACKS,
    );
    expect((await fetch(0)).responses[0].partitions[0].highWatermark).toBe(50);
  });

  it('answers fetches out of range with OFFSET_OUT_OF_RANGE', async () => {
    const res = await fetch(51);
    expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(res.responses[0].partitions[0].highWatermark).toBe(50);
  });

  it('returns the first batch whole even above partition_max_bytes (KIP-74)', async () => {
    const res = await fetch(0, { partitionMaxBytes: 10 });
    expect((res.responses[0].partitions[0].records as Buffer).length).toBe(sent[0].length);
  });

  it('long-polls until a produce arrives', async () => {
    const other = await RawClient.connect(tb.port);
    const started = Date.now();
    const waiting = fetch(50, { maxWaitMs: 5000 });
    await new Promise((r) => setTimeout(r, 200));
    await other.call<ProduceResponse>(
      ApiKey.Produce,
      9,
      makeProduceRequest({
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch(1) }] }],
      }),
    );
    const res = await waiting;
    const elapsed = Date.now() - started;
    expect(res.responses[0].partitions[0].highWatermark).toBe(51);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(4000);
    other.close();
  });

  it('returns after max_wait_ms when nothing arrives', async () => {
    const started = Date.now();
    const res = await fetch(51, { maxWaitMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  });

  it('does not answer acks=0 but appends', async () => {
    c.send(
      c.frame(
        ApiKey.Produce,
        9,
        makeProduceRequest({
          acks: 0,
          timeoutMs: 1000,
          topicData: [{ name: TOPIC, partitionData: [{ index: 1, records: batch(2) }] }],
        }),
      ),
    );
    const res = await fetch(0, { partition: 1, maxWaitMs: 2000 });
    expect(res.responses[0].partitions[0].highWatermark).toBe(2);
  });

  it('lists earliest, latest and by-timestamp offsets', async () => {
    const res = await c.call<ListOffsetsResponse>(
      ApiKey.ListOffsets,
      7,
      makeListOffsetsRequest({
        replicaId: -1,
        topics: [
          {
            name: TOPIC,
            partitions: [-2, -1, 0, -3].map((timestamp) => ({
              partitionIndex: 0,
              timestamp,
              currentLeaderEpoch: -1,
              maxNumOffsets: 1,
            })),
          },
        ],
      }),
    );
    const offsets = res.topics[0].partitions.map((p) => p.offset);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(51);
    expect(offsets[2]).toBe(0);
    expect(offsets[3]).toBeGreaterThanOrEqual(0);
  });
});
