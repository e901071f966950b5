/**
 * Idempotent produce at the wire: InitProducerId, a retried batch answered with its original
 * offset without a second append, sequence gaps and stale epochs refused, and the producer
 * state surviving a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  ErrorCode,
  buildBatch,
  makeInitProducerIdRequest,
  makeListOffsetsRequest,
  makeMetadataRequest,
  makeProduceRequest,
  type InitProducerIdResponse,
  type ListOffsetsResponse,
  type MetadataResponse,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '@tributary/kafka-protocol';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOPIC = 'idem';
let tb: TestBroker;
let c: RawClient;

beforeAll(async () => {
  tb = await startTestBroker();
  c = await RawClient.connect(tb.port);
  await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({
      topics: [{ name: TOPIC, topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: true,
    }),
  );
});
afterAll(async () => {
  c.close();
  await tb.stop();
});

async function produce(
  producerId: number,
  producerEpoch: number,
  baseSequence: number,
  n = 3,
): Promise<ProduceResponsePartitionProduceResponse> {
  const records = buildBatch({
    producerId,
    producerEpoch,
    baseSequence,
    records: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`s${baseSequence + i}`) })),
  });
  const res = await c.call<ProduceResponse>(
    ApiKey.Produce,
    9,
    makeProduceRequest({
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
    }),
  );
  return res.responses[0].partitionResponses[0];
}

async function latest(): Promise<number> {
  const res = await c.call<ListOffsetsResponse>(
    ApiKey.ListOffsets,
    7,
    makeListOffsetsRequest({
      replicaId: -1,
      topics: [
        {
          name: TOPIC,
          partitions: [
            { partitionIndex: 0, timestamp: -1, currentLeaderEpoch: -1, maxNumOffsets: 1 },
          ],
        },
      ],
    }),
  );
  return res.topics[0].partitions[0].offset;
}

describe('idempotent producer', () => {
  let pid = -1;

  it('allocates producer ids and bumps epochs', async () => {
    const a = await c.call<InitProducerIdResponse>(
      ApiKey.InitProducerId,
      4,
      makeInitProducerIdRequest({
        transactionalId: null,
        transactionTimeoutMs: -1,
        producerId: -1,
        producerEpoch: -1,
      }),
    );
    const b = await c.call<InitProducerIdResponse>(
      ApiKey.InitProducerId,
      4,
      makeInitProducerIdRequest({
        transactionalId: null,
        transactionTimeoutMs: -1,
        producerId: -1,
        producerEpoch: -1,
      }),
    );
    expect(a.errorCode).toBe(ErrorCode.NONE);
    expect(b.producerId).not.toBe(a.producerId);
    pid = a.producerId;
    const bumped = await c.call<InitProducerIdResponse>(
      ApiKey.InitProducerId,
      4,
      makeInitProducerIdRequest({
        transactionalId: null,
        transactionTimeoutMs: -1,
        producerId: pid,
        producerEpoch: 0,
      }),
    );
    expect(bumped).toMatchObject({ errorCode: ErrorCode.NONE, producerId: pid, producerEpoch: 1 });
    const txn = await c.call<InitProducerIdResponse>(
      ApiKey.InitProducerId,
      4,
      makeInitProducerIdRequest({
        transactionalId: 'tx',
        transactionTimeoutMs: 1000,
        producerId: -1,
        producerEpoch: -1,
      }),
    );
    expect(txn.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('answers a retried batch with its original offset and appends it once', async () => {
    const first = await produce(pid, 1, 0);
    expect(first.errorCode).toBe(ErrorCode.NONE);
    const second = await produce(pid, 1, 3);
    expect(second.baseOffset).toBe(first.baseOffset + 3);
    const retry = await produce(pid, 1, 0);
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: first.baseOffset });
    expect(await latest()).toBe(first.baseOffset + 6);
  });

  it('refuses sequence gaps and stale epochs', async () => {
    expect((await produce(pid, 1, 10)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(pid, 0, 6)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await produce(pid, 2, 5)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await latest()).toBe(6);
  });

  it('still recognises the retry after a restart', async () => {
    c.close();
    tb = await tb.restart();
    c = await RawClient.connect(tb.port);
    const retry = await produce(pid, 1, 3);
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3 });
    expect((await produce(pid, 1, 6)).baseOffset).toBe(6);
    expect(await latest()).toBe(9);
    const fresh = await c.call<InitProducerIdResponse>(
      ApiKey.InitProducerId,
      4,
      makeInitProducerIdRequest({
        transactionalId: null,
        transactionTimeoutMs: -1,
        producerId: -1,
        producerEpoch: -1,
      }),
    );
    expect(fresh.producerId).toBeGreaterThan(pid);
  });
});
