/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs with real clients (kafkajs,
 * @platformatic/kafka) and raw requests: sources and synonyms, full replacement versus
 * incremental operations, changes reaching the partition logs at once and surviving a
 * restart, broker resources read-only, and each refusal with its Kafka error.
 */
import {
  Admin as PlatformaticAdmin,
  type IncrementalAlterConfigsOptions,
} from '@platformatic/kafka';

import {
  ApiKey,
  ErrorCode,
  makeAlterConfigsRequest,
  makeDescribeConfigsRequest,
  makeDescribeConfigsRequestDescribeConfigsResource,
  makeIncrementalAlterConfigsRequest,
  type AlterConfigsResponse,
  type DescribeConfigsResponse,
  type IncrementalAlterConfigsResponse,
} from '@tributary/kafka-protocol';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { RawClient } from './support/raw-client.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
const TOPIC = 2;
const BROKER = 4;
const SET = 0 as const;
const DELETE = 1 as const;
const APPEND = 2 as const;
const SUBTRACT = 3 as const;

let tb: TestBroker;
let admin: kafkajs.Admin;
let pa: PlatformaticAdmin;
let raw: RawClient;

beforeAll(async () => {
  tb = await startTestBroker({ 'log.retention.ms': '86400000' });
  admin = new Kafka({
    clientId: 'admin-configs-test',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  await admin.connect();
  pa = new PlatformaticAdmin({ clientId: 'admin-configs-plt', bootstrapBrokers: [tb.bootstrap] });
  raw = await RawClient.connect(tb.port);
  await admin.createTopics({
    topics: [
      {
        topic: 'cfg',
        numPartitions: 2,
        configEntries: [{ name: 'retention.ms', value: '3600000' }],
      },
      { topic: 'cfg-incremental' },
    ],
  });
});

afterAll(async () => {
  raw.close();
  await pa.close();
  await admin.disconnect();
  await tb.stop();
});

async function failure(p: Promise<unknown>): Promise<{ type?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { type?: string };
  }
  throw new Error('expected the call to fail');
}

async function pltFailure(
  p: Promise<unknown>,
): Promise<{ apiId: string; serverErrorMessage: string | null }> {
  try {
    await p;
  } catch (err) {
    const found = (err as { findBy(k: string, v: unknown): unknown }).findBy(
      'code',
      'PLT_KFK_PROTOCOL',
    );
    if (found) return found as { apiId: string; serverErrorMessage: string | null };
    throw err;
  }
  throw new Error('expected the call to fail');
}

async function topicEntries(name: string): Promise<Map<string, kafkajs.ConfigEntries>> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name }],
    includeSynonyms: true,
  });
  return new Map(resources[0].configEntries.map((e) => [e.configName, e]));
}

function describeRaw(
  version: number,
  resources: Array<{
    resourceType: number;
    resourceName: string;
    configurationKeys?: string[] | null;
  }>,
  opts: { includeSynonyms?: boolean; includeDocumentation?: boolean } = {},
): Promise<DescribeConfigsResponse> {
  return raw.call<DescribeConfigsResponse>(
    ApiKey.DescribeConfigs,
    version,
    makeDescribeConfigsRequest({
      resources: resources.map((r) =>
        makeDescribeConfigsRequestDescribeConfigsResource({ configurationKeys: null, ...r }),
      ),
      ...opts,
    }),
  );
}

describe('DescribeConfigs', () => {
  it('reports topic overrides and defaults with sources and synonyms (kafkajs)', async () => {
    const entries = await topicEntries('cfg');
    expect(entries.get('retention.ms')).toMatchObject({
      configValue: '3600000',
      configSource: 1,
      readOnly: false,
      isSensitive: false,
      configSynonyms: [
        { configName: 'retention.ms', configValue: '3600000', configSource: 1 },
        { configName: 'log.retention.ms', configValue: '86400000', configSource: 4 },
        { configName: 'log.retention.ms', configValue: '604800000', configSource: 5 },
      ],
    });
    expect(entries.get('cleanup.policy')).toMatchObject({ configValue: 'delete', configSource: 5 });
    expect(entries.get('segment.bytes')).toMatchObject({
      configValue: '1073741824',
      configSource: 5,
    });
    expect(entries.size).toBeGreaterThanOrEqual(30);
  });

  it('filters by config names and leaves unknown names out', async () => {
    const { resources } = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'cfg', configNames: ['retention.ms', 'no.such'] },
      ],
      includeSynonyms: false,
    });
    expect(resources[0].configEntries.map((e) => e.configName)).toEqual(['retention.ms']);
  });

  it('answers an unknown topic with UNKNOWN_TOPIC_OR_PARTITION and a bad name with INVALID_TOPIC_EXCEPTION', async () => {
    const err = await failure(
      admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'absent' }],
        includeSynonyms: false,
      }),
    );
    expect(err.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const res = await describeRaw(4, [{ resourceType: TOPIC, resourceName: 'bad/name' }]);
    expect(res.results[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('reports v3+ types and documentation, and v0 is_default', async () => {
    const v4 = await describeRaw(
      4,
      [
        {
          resourceType: TOPIC,
          resourceName: 'cfg',
          configurationKeys: ['retention.ms', 'cleanup.policy'],
        },
      ],
      {
        includeDocumentation: true,
      },
    );
    expect(v4.results[0]).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null });
    const byName = new Map(v4.results[0].configs.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({ configType: 5, synonyms: [] });
    expect(byName.get('cleanup.policy')).toMatchObject({ configType: 7 });
    expect(byName.get('retention.ms')!.documentation).toMatch(/\S/);
    const undocumented = await describeRaw(4, [
      { resourceType: TOPIC, resourceName: 'cfg', configurationKeys: ['retention.ms'] },
    ]);
    expect(undocumented.results[0].configs[0].documentation).toBeNull();
    const v0 = await describeRaw(0, [
      {
        resourceType: TOPIC,
        resourceName: 'cfg',
        configurationKeys: ['retention.ms', 'segment.ms'],
      },
    ]);
    expect(v0.results[0].configs.map((c) => [c.name, c.isDefault])).toEqual([
      ['retention.ms', false],
      ['segment.ms', true],
    ]);
  });

  it('describes this broker read-only (kafkajs), the default resource empty, other ids refused', async () => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
      includeSynonyms: true,
    });
    const entries = new Map(resources[0].configEntries.map((e) => [e.configName, e]));
    expect(entries.get('log.retention.ms')).toMatchObject({
      configValue: '86400000',
      configSource: 4,
      readOnly: true,
    });
    expect(entries.get('num.partitions')).toMatchObject({
      configValue: '1',
      configSource: 5,
      readOnly: true,
    });
    expect(entries.get('node.id')).toMatchObject({ configValue: '1', readOnly: true });
    const res = await describeRaw(4, [
      { resourceType: BROKER, resourceName: '' },
      { resourceType: BROKER, resourceName: '2' },
      { resourceType: BROKER, resourceName: 'one' },
      { resourceType: 8, resourceName: '1' },
      { resourceType: 3, resourceName: 'x' },
    ]);
    expect(res.results.map((r) => [r.errorCode, r.errorMessage, r.configs.length])).toEqual([
      [ErrorCode.NONE, null, 0],
      [
        ErrorCode.INVALID_REQUEST,
        'Unexpected broker id, expected 1 or empty string, but received 2',
        0,
      ],
      [ErrorCode.INVALID_REQUEST, 'Broker id must be an integer, but it is: one', 0],
      [ErrorCode.INVALID_REQUEST, 'BROKER_LOGGER configs are not supported by this broker', 0],
      [ErrorCode.INVALID_REQUEST, 'Unexpected resource type 3 for resource x', 0],
    ]);
  });

  it('serves @platformatic/kafka with types and documentation', async () => {
    const [described] = await pa.describeConfigs({
      resources: [
        { resourceType: TOPIC, resourceName: 'cfg', configurationKeys: ['max.message.bytes'] },
      ],
      includeDocumentation: true,
    });
    expect(described.configs).toEqual([
      expect.objectContaining({
        name: 'max.message.bytes',
        value: '1048588',
        configType: 3,
        configSource: 5,
        readOnly: false,
      }),
    ]);
  });
});

describe('AlterConfigs (full replacement)', () => {
  it('replaces every override of a topic and applies it to the logs (kafkajs)', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'cfg',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.ms', value: '60000' },
          ],
        },
      ],
    });
    const entries = await topicEntries('cfg');
    expect(entries.get('cleanup.policy')).toMatchObject({
      configValue: 'compact',
      configSource: 1,
    });
    expect(entries.get('retention.ms')).toMatchObject({ configValue: '86400000', configSource: 4 });
    const log = tb.broker.context.topics.partition('cfg', 1)!;
    expect(log.config).toMatchObject({
      cleanupPolicy: 'compact',
      segmentMs: 60000,
      retentionMs: 86400000,
    });
  });

  it('changes nothing with validate_only', async () => {
    await admin.alterConfigs({
      validateOnly: true,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'cfg',
          configEntries: [{ name: 'segment.ms', value: '1' }],
        },
      ],
    });
    expect(tb.broker.context.topics.get('cfg')?.configs.get('segment.ms')).toBe('60000');
  });

  it('refuses bad values, unknown keys and unknown topics with Kafka errors', async () => {
    const bad = await failure(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'cfg',
            configEntries: [{ name: 'segment.ms', value: '0' }],
          },
        ],
      }),
    );
    expect(bad.type).toBe('INVALID_CONFIG');
    const absent = await failure(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'absent',
            configEntries: [{ name: 'segment.ms', value: '10' }],
          },
        ],
      }),
    );
    expect(absent.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const res = await raw.call<AlterConfigsResponse>(
      ApiKey.AlterConfigs,
      2,
      makeAlterConfigsRequest({
        resources: [
          { resourceType: TOPIC, resourceName: 'cfg', configs: [{ name: 'no.such', value: '1' }] },
          {
            resourceType: TOPIC,
            resourceName: 'cfg-incremental',
            configs: [{ name: 'segment.ms', value: null }],
          },
          { resourceType: TOPIC, resourceName: 'cfg-incremental', configs: [] },
          { resourceType: TOPIC, resourceName: '', configs: [] },
          {
            resourceType: TOPIC,
            resourceName: 'absent',
            configs: [
              { name: 'segment.ms', value: '5' },
              { name: 'segment.ms', value: '6' },
            ],
          },
        ],
      }),
    );
    expect(res.responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage])).toEqual([
      ['cfg', ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such'],
      ['cfg-incremental', ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      ['cfg-incremental', ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      ['', ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.'],
      ['absent', ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys'],
    ]);
    expect(tb.broker.context.topics.get('cfg')?.configs.get('cleanup.policy')).toBe('compact');
  });

  it('refuses broker config changes with INVALID_REQUEST (no dynamic broker configs)', async () => {
    const err = await failure(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.BROKER,
            name: '1',
            configEntries: [{ name: 'num.partitions', value: '3' }],
          },
        ],
      }),
    );
    expect(err.type).toBe('INVALID_REQUEST');
    const res = await raw.call<AlterConfigsResponse>(
      ApiKey.AlterConfigs,
      1,
      makeAlterConfigsRequest({
        resources: [
          {
            resourceType: BROKER,
            resourceName: '',
            configs: [{ name: 'log.retention.ms', value: '1' }],
          },
          { resourceType: BROKER, resourceName: '7', configs: [] },
          { resourceType: BROKER, resourceName: '1', configs: [] },
        ],
      }),
    );
    expect(res.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [
        ErrorCode.INVALID_REQUEST,
        'Cannot update these configs dynamically: log.retention.ms. Tributary has no dynamic broker configs; set them in the broker properties and restart it.',
      ],
      [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1, but received 7'],
      [ErrorCode.NONE, null],
    ]);
  });
});

describe('IncrementalAlterConfigs', () => {
  const alter = (
    configs: IncrementalAlterConfigsOptions['resources'][number]['configs'],
    validateOnly = false,
  ) =>
    pa.incrementalAlterConfigs({
      resources: [{ resourceType: TOPIC, resourceName: 'cfg-incremental', configs }],
      validateOnly,
    });
  const overrides = () => tb.broker.context.topics.get('cfg-incremental')!.configs;

  it('sets, appends to, subtracts from and deletes overrides (@platformatic/kafka)', async () => {
    await alter([
      { name: 'retention.ms', configOperation: SET, value: '120000' },
      { name: 'cleanup.policy', configOperation: APPEND, value: 'compact' },
    ]);
    expect(overrides()).toEqual(
      new Map([
        ['retention.ms', '120000'],
        ['cleanup.policy', 'delete,compact'],
      ]),
    );
    expect(tb.broker.context.topics.partition('cfg-incremental', 0)!.config).toMatchObject({
      retentionMs: 120000,
      cleanupPolicy: 'compact,delete',
    });
    await alter([
      { name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' },
      { name: 'retention.ms', configOperation: DELETE },
      { name: 'never.set', configOperation: DELETE },
    ]);
    expect(overrides()).toEqual(new Map([['cleanup.policy', 'compact']]));
    await alter([{ name: 'segment.ms', configOperation: SET, value: '1000' }], true);
    expect(overrides().has('segment.ms')).toBe(false);
  });

  it('refuses APPEND on non-list keys and unknown keys with INVALID_CONFIG', async () => {
    expect(
      await pltFailure(alter([{ name: 'retention.ms', configOperation: APPEND, value: '1' }])),
    ).toMatchObject({
      apiId: 'INVALID_CONFIG',
      serverErrorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(
      await pltFailure(alter([{ name: 'retention.mins', configOperation: SET, value: '1' }])),
    ).toMatchObject({
      apiId: 'INVALID_CONFIG',
      serverErrorMessage: 'Unknown topic config name: retention.mins',
    });
    expect(
      await pltFailure(
        alter([{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'compact' }]),
      ),
    ).toMatchObject({
      apiId: 'INVALID_CONFIG',
      serverErrorMessage:
        'Invalid value  for configuration cleanup.policy: String must be one of: compact, delete',
    });
    expect(overrides()).toEqual(new Map([['cleanup.policy', 'compact']]));
  });

  it('refuses malformed requests with INVALID_REQUEST', async () => {
    const res = await raw.call<IncrementalAlterConfigsResponse>(
      ApiKey.IncrementalAlterConfigs,
      1,
      makeIncrementalAlterConfigsRequest({
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'cfg',
            configs: [{ name: 'segment.ms', configOperation: SET, value: null }],
          },
          {
            resourceType: TOPIC,
            resourceName: 'cfg-incremental',
            configs: [{ name: 'segment.ms', configOperation: 9, value: '1' }],
          },
          {
            resourceType: BROKER,
            resourceName: '1',
            configs: [{ name: 'num.partitions', configOperation: DELETE, value: null }],
          },
          { resourceType: BROKER, resourceName: '1x', configs: [] },
          { resourceType: 32, resourceName: 'group', configs: [] },
          { resourceType: 5, resourceName: 'x', configs: [] },
        ],
      }),
    );
    expect(res.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Null value not supported for : segment.ms'],
      [ErrorCode.INVALID_REQUEST, 'Unknown operations type 9'],
      [ErrorCode.NONE, null],
      [ErrorCode.INVALID_REQUEST, 'Node id must be an integer, but it is: 1x'],
      [ErrorCode.INVALID_REQUEST, 'GROUP configs are not supported by this broker'],
      [ErrorCode.INVALID_REQUEST, 'Unknown resource type 5'],
    ]);
  });

  it('applies max.message.bytes to produce at once', async () => {
    await alter([{ name: 'max.message.bytes', configOperation: SET, value: '200' }]);
    const producer = new Kafka({
      clientId: 'mmb',
      brokers: [tb.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).producer();
    await producer.connect();
    try {
      const err = await failure(
        producer.send({
          topic: 'cfg-incremental',
          messages: [{ key: 'k', value: 'x'.repeat(1000) }],
        }),
      );
      expect(err.type).toBe('MESSAGE_TOO_LARGE');
      await alter([{ name: 'max.message.bytes', configOperation: DELETE }]);
      const [meta] = await producer.send({
        topic: 'cfg-incremental',
        messages: [{ key: 'k', value: 'x'.repeat(1000) }],
      });
      expect(meta.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });
});

describe('persistence', () => {
  it('keeps overrides across a broker restart', async () => {
    raw.close();
    await pa.close();
    await admin.disconnect();
    tb = await tb.restart();
    raw = await RawClient.connect(tb.port);
    pa = new PlatformaticAdmin({
      clientId: 'admin-configs-plt2',
      bootstrapBrokers: [tb.bootstrap],
    });
    admin = new Kafka({
      clientId: 'admin-configs-2',
      brokers: [tb.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const entries = await topicEntries('cfg');
    expect(entries.get('cleanup.policy')).toMatchObject({
      configValue: 'compact',
      configSource: 1,
    });
    expect(entries.get('segment.ms')).toMatchObject({ configValue: '60000', configSource: 1 });
    expect(tb.broker.context.topics.partition('cfg', 0)!.config.cleanupPolicy).toBe('compact');
    expect((await topicEntries('cfg-incremental')).get('cleanup.policy')).toMatchObject({
      configValue: 'compact',
    });
  });
});
