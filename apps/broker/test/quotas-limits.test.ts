/**
 * The pool's limits through the admin endpoint: validation (400 problem+json with field
 * errors), the partition ceiling (CreateTopics, CreatePartitions, auto-creation answer
 * POLICY_VIOLATION), the largest message (produce answers MESSAGE_TOO_LARGE, topic configs
 * above it POLICY_VIOLATION), changes taking effect at once, and persistence across restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiKey,
  ErrorCode,
  buildBatch,
  makeCreatePartitionsRequest,
  makeCreatePartitionsRequestCreatePartitionsTopic,
  makeCreateTopicsRequest,
  makeCreateTopicsRequestCreatableTopic,
  makeIncrementalAlterConfigsRequest,
  makeIncrementalAlterConfigsRequestAlterConfigsResource,
  makeIncrementalAlterConfigsRequestAlterableConfig,
  makeMetadataRequest,
  makeProduceRequest,
  type CreatePartitionsResponse,
  type CreateTopicsResponse,
  type IncrementalAlterConfigsResponse,
  type MetadataResponse,
  type ProduceResponse,
} from '@tributary/kafka-protocol';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, admin, putLimits } from './support/usage-meter.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
let tb: TestBroker;
let c: RawClient;

beforeAll(async () => {
  tb = await startTestBroker({ 'num.partitions': '2' }, undefined, 0, { adminToken: ADMIN_TOKEN });
  c = await RawClient.connect(tb.port);
});
afterAll(async () => {
  c.close();
  await tb.stop();
});

async function createTopic(
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
  validateOnly = false,
): Promise<{ errorCode: number; errorMessage: string | null }> {
  const r = await c.call<CreateTopicsResponse>(
    ApiKey.CreateTopics,
    7,
    makeCreateTopicsRequest({
      topics: [
        makeCreateTopicsRequestCreatableTopic({
          name,
          numPartitions: partitions,
          replicationFactor: -1,
          configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
        }),
      ],
      timeoutMs: 5000,
      validateOnly,
    }),
  );
  return r.topics[0];
}

async function createPartitions(name: string, count: number): Promise<number> {
  const r = await c.call<CreatePartitionsResponse>(
    ApiKey.CreatePartitions,
    3,
    makeCreatePartitionsRequest({
      topics: [
        makeCreatePartitionsRequestCreatePartitionsTopic({ name, count, assignments: null }),
      ],
      timeoutMs: 5000,
    }),
  );
  return r.results[0].errorCode;
}

async function autoCreate(name: string): Promise<number> {
  const r = await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({ topics: [{ name, topicId: ZERO_UUID }], allowAutoTopicCreation: true }),
  );
  return r.topics[0].errorCode;
}

async function produce(topic: string, valueBytes: number): Promise<number> {
  const records = buildBatch({ records: [{ key: null, value: Buffer.alloc(valueBytes, 7) }] });
  const r = await c.call<ProduceResponse>(
    ApiKey.Produce,
    9,
    makeProduceRequest({
      acks: 1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    }),
  );
  return r.responses[0].partitionResponses[0].errorCode;
}

describe('limits admin route', () => {
  it('starts with no limits and refuses invalid ones with field errors', async () => {
    expect(await admin(tb, 'GET', '/v1/limits')).toEqual({
      status: 200,
      body: { cluster: {}, quotas: [] },
    });
    const bad = await admin(tb, 'PUT', '/v1/limits', {
      cluster: { maxPartitions: -1, fetchBytesPerSecond: 'lots' },
      quotas: [{ entity: { clientId: 'x' }, maxConnections: 3 }],
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, title: 'Bad Request' });
    const fields = (bad.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'cluster.maxPartitions',
        'cluster.fetchBytesPerSecond',
        'quotas[0].maxConnections',
        '(body)',
      ]),
    );
    // A refused PUT changes nothing.
    expect((await admin(tb, 'GET', '/v1/limits')).body).toEqual({ cluster: {}, quotas: [] });
  });
});

describe('partition limit', () => {
  it('refuses creations beyond the limit with POLICY_VIOLATION and applies changes at once', async () => {
    await putLimits(tb, { cluster: { maxPartitions: 5 } });
    expect((await createTopic('limit-a', 3)).errorCode).toBe(ErrorCode.NONE);
    const refused = await createTopic('limit-b', 3);
    expect(refused.errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(refused.errorMessage).toBe(
      "Adding 3 partition(s) would exceed the cluster's partition limit of 5 (it has 3).",
    );
    expect((await createTopic('limit-b', 3, {}, true)).errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(await createPartitions('limit-a', 6)).toBe(ErrorCode.POLICY_VIOLATION);
    expect(await createPartitions('limit-a', 5)).toBe(ErrorCode.NONE);
    expect(await autoCreate('limit-auto')).toBe(ErrorCode.POLICY_VIOLATION); // num.partitions=2
    expect(tb.broker.context.topics.partitionCount).toBe(5);
    expect(tb.broker.context.topics.get('limit-b')).toBeUndefined();

    await putLimits(tb, { cluster: { maxPartitions: 7 } });
    expect(await autoCreate('limit-auto')).toBe(ErrorCode.NONE);
    expect(tb.broker.context.topics.partitionCount).toBe(7);
  });
});

describe('max message size', () => {
  it('caps produce at the plan size and refuses larger topic overrides', async () => {
    await putLimits(tb, { cluster: { maxPartitions: 100, maxMessageBytes: 2000 } });
    await createTopic('msg-size', 1);
    expect(await produce('msg-size', 1000)).toBe(ErrorCode.NONE);
    expect(await produce('msg-size', 3000)).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const big = await createTopic('msg-big', 1, { 'max.message.bytes': '100000' });
    expect(big.errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(big.errorMessage).toBe(
      "Config property 'max.message.bytes' with value '100000' exceeds the cluster's limit of 2000.",
    );
    expect((await createTopic('msg-small', 1, { 'max.message.bytes': '1500' })).errorCode).toBe(
      ErrorCode.NONE,
    );
    const altered = await c.call<IncrementalAlterConfigsResponse>(
      ApiKey.IncrementalAlterConfigs,
      1,
      makeIncrementalAlterConfigsRequest({
        resources: [
          makeIncrementalAlterConfigsRequestAlterConfigsResource({
            resourceType: 2,
            resourceName: 'msg-size',
            configs: [
              makeIncrementalAlterConfigsRequestAlterableConfig({
                name: 'max.message.bytes',
                configOperation: 0,
                value: '50000',
              }),
            ],
          }),
        ],
        validateOnly: false,
      }),
    );
    expect(altered.responses[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    // The broker keeps serving the connection and the topic.
    expect(await produce('msg-size', 1500)).toBe(ErrorCode.NONE);
    // Raised at runtime: the larger batch now goes through.
    await putLimits(tb, { cluster: { maxPartitions: 100, maxMessageBytes: 10_000 } });
    expect(await produce('msg-size', 3000)).toBe(ErrorCode.NONE);
    // The topic's own (smaller) max.message.bytes still applies under a larger plan size.
    expect(await produce('msg-small', 3000)).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });
});

describe('persistence', () => {
  it('keeps the limits across a restart', async () => {
    const limits = {
      cluster: { maxPartitions: 9, maxMessageBytes: 10_000, produceBytesPerSecond: 5e6 },
      quotas: [
        { entity: { user: '<default>' }, produceBytesPerSecond: 1e6, maxConnections: 10 },
        { entity: { user: 'key-1', clientId: 'etl' }, fetchBytesPerSecond: 2e6 },
      ],
    };
    await putLimits(tb, limits);
    await access(join(tb.dataDir, 'meta', 'limits.json'));
    c.close();
    tb = await tb.restart();
    c = await RawClient.connect(tb.port);
    expect(await admin(tb, 'GET', '/v1/limits')).toEqual({ status: 200, body: limits });
    // 9 partitions exist (limit-a 5, limit-auto 2, msg-size 1, msg-small 1): nothing more fits.
    expect((await createTopic('after-restart', 1)).errorCode).toBe(ErrorCode.POLICY_VIOLATION);
  });
});
