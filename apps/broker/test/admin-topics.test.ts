/**
 * Topic administration with real clients against an in-process broker: kafkajs admin,
 * @platformatic/kafka Admin, kcat, and raw requests for what the clients cannot send
 * (duplicate names, delete by topic id, exact error messages). Every refusal asserts the
 * Kafka error, and the broker keeps answering afterwards.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Admin as PlatformaticAdmin } from '@platformatic/kafka';
import {
  ApiKey,
  ErrorCode,
  makeCreateTopicsRequest,
  makeCreateTopicsRequestCreatableTopic,
  makeDeleteTopicsRequest,
  makeDeleteTopicsRequestDeleteTopicState,
  type CreateTopicsResponse,
  type DeleteTopicsResponse,
} from '@tributary/kafka-protocol';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { RawClient } from './support/raw-client.js';

const { Kafka, logLevel } = kafkajs;
const run = promisify(execFile);
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

let tb: TestBroker;
let admin: kafkajs.Admin;
let raw: RawClient;

beforeAll(async () => {
  tb = await startTestBroker();
  const kafka = new Kafka({
    clientId: 'admin-topics-test',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 50 },
  });
  admin = kafka.admin();
  await admin.connect();
  raw = await RawClient.connect(tb.port);
});

afterAll(async () => {
  raw.close();
  await admin.disconnect();
  await tb.stop();
});

/** The error kafkajs throws, for assertions on its Kafka error type. */
async function failure(
  p: Promise<unknown>,
): Promise<{ type?: string; errors?: Array<{ type: string; topic?: string }> }> {
  try {
    await p;
  } catch (err) {
    return err as { type?: string; errors?: Array<{ type: string; topic?: string }> };
  }
  throw new Error('expected the call to fail');
}

/** The Kafka error inside a @platformatic/kafka failure (nested MultipleErrors). */
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

function createRaw(
  topics: Array<Parameters<typeof makeCreateTopicsRequestCreatableTopic>[0]>,
  validateOnly = false,
): Promise<CreateTopicsResponse> {
  return raw.call<CreateTopicsResponse>(
    ApiKey.CreateTopics,
    7,
    makeCreateTopicsRequest({
      topics: topics.map((t) =>
        makeCreateTopicsRequestCreatableTopic({ numPartitions: -1, replicationFactor: -1, ...t }),
      ),
      validateOnly,
    }),
  );
}

describe('CreateTopics', () => {
  it('creates a topic with configs (kafkajs) visible in metadata and configs', async () => {
    const created = await admin.createTopics({
      topics: [
        {
          topic: 'orders',
          numPartitions: 3,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'cleanup.policy', value: 'compact' },
          ],
        },
      ],
    });
    expect(created).toBe(true);
    const { topics } = await admin.fetchTopicMetadata({ topics: ['orders'] });
    expect(topics[0].partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    expect(tb.broker.context.topics.get('orders')?.configs).toEqual(
      new Map([
        ['retention.ms', '3600000'],
        ['cleanup.policy', 'compact'],
      ]),
    );
  });

  it('answers an existing name with TOPIC_ALREADY_EXISTS', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'orders' }] })).toBe(false);
    const res = await createRaw([{ name: 'orders', numPartitions: 1 }]);
    expect(res.topics[0]).toMatchObject({
      errorCode: ErrorCode.TOPIC_ALREADY_EXISTS,
      errorMessage: "Topic 'orders' already exists.",
      numPartitions: -1,
      replicationFactor: -1,
    });
  });

  it('returns partitions, replication factor, topic id and configs from v5/v7', async () => {
    const res = await createRaw([
      {
        name: 'described',
        numPartitions: 2,
        configs: [{ name: 'max.message.bytes', value: '5000' }],
      },
    ]);
    const t = res.topics[0];
    expect(t).toMatchObject({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      numPartitions: 2,
      replicationFactor: 1,
    });
    expect(t.topicId).toBe(tb.broker.context.topics.get('described')?.id);
    const configs = new Map(t.configs!.map((c) => [c.name, c]));
    expect(configs.get('max.message.bytes')).toMatchObject({
      value: '5000',
      configSource: 1,
      readOnly: false,
      isSensitive: false,
    });
    expect(configs.get('retention.ms')).toMatchObject({ value: '604800000', configSource: 5 });
    expect(t.configs!.map((c) => c.name)).toEqual([...configs.keys()].sort());
  });

  it('validates without creating (validate_only)', async () => {
    expect(
      await admin.createTopics({
        topics: [{ topic: 'dry-run', numPartitions: 4 }],
        validateOnly: true,
        waitForLeaders: false,
      }),
    ).toBe(true);
    expect(await admin.listTopics()).not.toContain('dry-run');
    const res = await createRaw([{ name: 'dry-run', numPartitions: 4 }], true);
    expect(res.topics[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      numPartitions: 4,
      topicId: ZERO_UUID,
    });
    const bad = await createRaw(
      [{ name: 'dry-run', numPartitions: 1, replicationFactor: 2 }],
      true,
    );
    expect(bad.topics[0].errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect(tb.broker.context.topics.get('dry-run')).toBeUndefined();
  });

  it('refuses invalid and colliding names with INVALID_TOPIC_EXCEPTION', async () => {
    for (const topic of ['bad/name', '..', 'x'.repeat(250)]) {
      const err = await failure(admin.createTopics({ topics: [{ topic }] }));
      expect(err.errors?.map((e) => e.type)).toEqual(['INVALID_TOPIC_EXCEPTION']);
    }
    await admin.createTopics({ topics: [{ topic: 'metrics.cpu' }] });
    const res = await createRaw([{ name: 'metrics_cpu', numPartitions: 1 }]);
    expect(res.topics[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
      errorMessage: "Topic 'metrics_cpu' collides with existing topic: metrics.cpu",
    });
  });

  it('refuses too many partitions and non-positive counts with INVALID_PARTITIONS', async () => {
    const err = await failure(
      admin.createTopics({ topics: [{ topic: 'huge', numPartitions: 10_001 }] }),
    );
    expect(err.errors?.map((e) => e.type)).toEqual(['INVALID_PARTITIONS']);
    const res = await createRaw([{ name: 'none', numPartitions: 0 }]);
    expect(res.topics[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: 'Number of partitions was set to an invalid non-positive value.',
    });
  });

  it('refuses replication factor 3 on one broker with INVALID_REPLICATION_FACTOR', async () => {
    const err = await failure(
      admin.createTopics({ topics: [{ topic: 'replicated', replicationFactor: 3 }] }),
    );
    expect(err.errors?.map((e) => e.type)).toEqual(['INVALID_REPLICATION_FACTOR']);
    const res = await createRaw([{ name: 'replicated', numPartitions: 1, replicationFactor: 3 }]);
    expect(res.topics[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage:
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
    });
  });

  it('refuses bad configs with INVALID_CONFIG naming the key', async () => {
    const err = await failure(
      admin.createTopics({
        topics: [{ topic: 'badcfg', configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
      }),
    );
    expect(err.errors?.map((e) => e.type)).toEqual(['INVALID_CONFIG']);
    const res = await createRaw([
      { name: 'badcfg', configs: [{ name: 'no.such.config', value: '1' }] },
      { name: 'badcfg2', configs: [{ name: 'retention.ms', value: 'soon' }] },
      { name: 'badcfg3', configs: [{ name: 'retention.ms', value: null }] },
    ]);
    expect(res.topics.map((t) => [t.errorCode, t.errorMessage])).toEqual([
      [ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.config'],
      [
        ErrorCode.INVALID_CONFIG,
        'Invalid value soon for configuration retention.ms: Not a number of type LONG',
      ],
      [ErrorCode.INVALID_CONFIG, 'Null value not supported for topic configs: retention.ms'],
    ]);
  });

  it('answers a name given twice once, with INVALID_REQUEST, and creates the rest', async () => {
    const res = await createRaw([{ name: 'twice' }, { name: 'once' }, { name: 'twice' }]);
    expect(res.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).toEqual([
      ['once', ErrorCode.NONE, null],
      ['twice', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
    ]);
    expect(tb.broker.context.topics.get('twice')).toBeUndefined();
  });

  it('accepts manual assignments naming this broker only', async () => {
    const ok = await createRaw([
      {
        name: 'assigned',
        assignments: [
          { partitionIndex: 1, brokerIds: [1] },
          { partitionIndex: 0, brokerIds: [1] },
        ],
      },
    ]);
    expect(ok.topics[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      numPartitions: 2,
      replicationFactor: 1,
    });
    const bad = await createRaw([
      { name: 'assigned-elsewhere', assignments: [{ partitionIndex: 0, brokerIds: [2] }] },
      { name: 'assigned-twice', assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] },
      { name: 'assigned-gap', assignments: [{ partitionIndex: 1, brokerIds: [1] }] },
      {
        name: 'assigned-counted',
        numPartitions: 1,
        assignments: [{ partitionIndex: 0, brokerIds: [1] }],
      },
    ]);
    expect(bad.topics.map((t) => [t.errorCode, t.errorMessage])).toEqual([
      [
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'The manual partition assignment includes broker 2, but no such broker is registered.',
      ],
      [
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'The manual partition assignment includes the broker 1 more than once.',
      ],
      [
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'partitions should be a consecutive 0-based integer sequence',
      ],
      [
        ErrorCode.INVALID_REQUEST,
        'A manual partition assignment was specified, but numPartitions was not set to -1.',
      ],
    ]);
  });

  it('reports the created topic to @platformatic/kafka with id, partitions and configs', async () => {
    const pa = new PlatformaticAdmin({
      clientId: 'admin-topics-plt',
      bootstrapBrokers: [tb.bootstrap],
    });
    try {
      const [created] = await pa.createTopics({
        topics: ['plt-topic'],
        partitions: 2,
        replicas: 1,
        configs: [{ name: 'segment.ms', value: '60000' }],
      });
      expect(created).toMatchObject({
        name: 'plt-topic',
        partitions: 2,
        replicas: 1,
        id: tb.broker.context.topics.get('plt-topic')?.id,
      });
      expect(created.configuration['segment.ms']).toBe('60000');
      const err = await pltFailure(
        pa.createTopics({ topics: ['plt-topic'], partitions: 1, replicas: 1 }),
      );
      expect(err).toMatchObject({
        apiId: 'TOPIC_ALREADY_EXISTS',
        serverErrorMessage: "Topic 'plt-topic' already exists.",
      });
    } finally {
      await pa.close();
    }
  });
});

describe('CreatePartitions', () => {
  it('adds partitions (kafkajs) that metadata and produce see', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 5 }] });
    const { topics } = await admin.fetchTopicMetadata({ topics: ['orders'] });
    expect(topics[0].partitions).toHaveLength(5);
    const producer = new Kafka({
      clientId: 'cp',
      brokers: [tb.bootstrap],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const [meta] = await producer.send({
      topic: 'orders',
      messages: [{ key: 'k', value: 'v', partition: 4 }],
    });
    expect(meta).toMatchObject({ partition: 4, errorCode: 0, baseOffset: '0' });
    await producer.disconnect();
  });

  it('refuses the same or a lower count with INVALID_PARTITIONS', async () => {
    const same = await failure(
      admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 5 }] }),
    );
    expect(same.type).toBe('INVALID_PARTITIONS');
    const lower = await failure(
      admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 2 }] }),
    );
    expect(lower.type).toBe('INVALID_PARTITIONS');
    const unknown = await failure(
      admin.createPartitions({ topicPartitions: [{ topic: 'nowhere', count: 2 }] }),
    );
    expect(unknown.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('checks assignments and honours validate_only', async () => {
    await admin.createPartitions({
      topicPartitions: [{ topic: 'orders', count: 6, assignments: [[1]] }],
    });
    const elsewhere = await failure(
      admin.createPartitions({
        topicPartitions: [{ topic: 'orders', count: 7, assignments: [[2]] }],
      }),
    );
    expect(elsewhere.type).toBe('INVALID_REPLICA_ASSIGNMENT');
    const short = await failure(
      admin.createPartitions({
        topicPartitions: [{ topic: 'orders', count: 8, assignments: [[1]] }],
      }),
    );
    expect(short.type).toBe('INVALID_REPLICA_ASSIGNMENT');
    await admin.createPartitions({
      topicPartitions: [{ topic: 'orders', count: 9 }],
      validateOnly: true,
    });
    expect(tb.broker.context.topics.get('orders')?.partitions).toHaveLength(6);
  });

  it('reports the Kafka messages to @platformatic/kafka', async () => {
    const pa = new PlatformaticAdmin({
      clientId: 'admin-cp-plt',
      bootstrapBrokers: [tb.bootstrap],
    });
    try {
      const err = await pltFailure(
        pa.createPartitions({ topics: [{ name: 'orders', count: 3, assignments: [] }] }),
      );
      expect(err).toMatchObject({
        apiId: 'INVALID_PARTITIONS',
        serverErrorMessage:
          'The topic orders currently has 6 partition(s); 3 would not be an increase.',
      });
    } finally {
      await pa.close();
    }
  });
});

describe('DeleteTopics', () => {
  it('deletes a topic and lets the same name be created again, empty', async () => {
    await admin.createTopics({ topics: [{ topic: 'recycled', numPartitions: 2 }] });
    const firstId = tb.broker.context.topics.get('recycled')!.id;
    const producer = new Kafka({
      clientId: 'dt',
      brokers: [tb.bootstrap],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.send({ topic: 'recycled', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();

    await admin.deleteTopics({ topics: ['recycled'] });
    expect(await admin.listTopics()).not.toContain('recycled');
    expect(await admin.createTopics({ topics: [{ topic: 'recycled', numPartitions: 1 }] })).toBe(
      true,
    );
    const offsets = await admin.fetchTopicOffsets('recycled');
    expect(offsets).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '0' })]);
    expect(tb.broker.context.topics.get('recycled')!.id).not.toBe(firstId);
  });

  it('answers unknown names and ids with UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID', async () => {
    const byName = await raw.call<DeleteTopicsResponse>(
      ApiKey.DeleteTopics,
      5,
      makeDeleteTopicsRequest({ topicNames: ['never-was'], timeoutMs: 1000 }),
    );
    expect(byName.responses[0]).toMatchObject({
      name: 'never-was',
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    });
    const unknownId = '11111111-2222-3333-4444-555555555555';
    const byId = await raw.call<DeleteTopicsResponse>(
      ApiKey.DeleteTopics,
      6,
      makeDeleteTopicsRequest({
        topics: [makeDeleteTopicsRequestDeleteTopicState({ topicId: unknownId })],
      }),
    );
    expect(byId.responses[0]).toMatchObject({
      name: null,
      topicId: unknownId,
      errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
    });
  });

  it('deletes by topic id (v6) and refuses malformed entries with INVALID_REQUEST', async () => {
    await admin.createTopics({ topics: [{ topic: 'by-id' }, { topic: 'by-name' }] });
    const id = tb.broker.context.topics.get('by-id')!.id;
    const res = await raw.call<DeleteTopicsResponse>(
      ApiKey.DeleteTopics,
      6,
      makeDeleteTopicsRequest({
        topics: [
          makeDeleteTopicsRequestDeleteTopicState({ topicId: id }),
          makeDeleteTopicsRequestDeleteTopicState({ name: null }),
          makeDeleteTopicsRequestDeleteTopicState({ name: 'by-name', topicId: id }),
          makeDeleteTopicsRequestDeleteTopicState({ name: 'orders' }),
          makeDeleteTopicsRequestDeleteTopicState({ name: 'orders' }),
        ],
      }),
    );
    expect(res.responses.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      [null, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'],
      ['by-name', ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'],
      ['orders', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      ['by-id', ErrorCode.NONE, null],
    ]);
    expect(res.responses[3].topicId).toBe(id);
    expect(tb.broker.context.topics.get('by-id')).toBeUndefined();
    expect(tb.broker.context.topics.get('orders')).toBeDefined();
  });
});

describe('Metadata listing', () => {
  it('kcat -L lists the topics with their partitions and this broker as leader', async () => {
    const { stdout } = await run('kcat', ['-L', '-J', '-b', tb.bootstrap, '-m', '10']);
    const md = JSON.parse(stdout) as {
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{
        topic: string;
        partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }> }>;
      }>;
    };
    expect(md.brokers).toEqual([{ id: 1, name: tb.bootstrap }]);
    const orders = md.topics.find((t) => t.topic === 'orders');
    expect(orders?.partitions).toHaveLength(6);
    expect(orders?.partitions.every((p) => p.leader === 1 && p.replicas[0].id === 1)).toBe(true);
    expect(md.topics.map((t) => t.topic)).not.toContain('by-id');
    const text = await run('kcat', ['-L', '-b', tb.bootstrap, '-t', 'assigned', '-m', '10']);
    expect(text.stdout).toContain('topic "assigned" with 2 partitions:');
  });

  it('still serves after every refused request', async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: ['orders', 'described'] });
    expect(topics.map((t) => t.name).sort()).toEqual(['described', 'orders']);
  });
});

describe('delete.topic.enable=false', () => {
  let locked: TestBroker;
  beforeAll(async () => {
    locked = await startTestBroker({ 'delete.topic.enable': 'false' });
  });
  afterAll(() => locked.stop());

  it('refuses deletion: INVALID_REQUEST before v3, TOPIC_DELETION_DISABLED after', async () => {
    const kafka = new Kafka({
      clientId: 'locked',
      brokers: [locked.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const a = kafka.admin();
    await a.connect();
    try {
      await a.createTopics({ topics: [{ topic: 'kept' }] });
      const err = await failure(a.deleteTopics({ topics: ['kept'] }));
      expect(err.type).toBe('INVALID_REQUEST');
      const c = await RawClient.connect(locked.port);
      const res = await c.call<DeleteTopicsResponse>(
        ApiKey.DeleteTopics,
        6,
        makeDeleteTopicsRequest({
          topics: [makeDeleteTopicsRequestDeleteTopicState({ name: 'kept' })],
        }),
      );
      c.close();
      expect(res.responses[0]).toMatchObject({
        name: 'kept',
        errorCode: ErrorCode.TOPIC_DELETION_DISABLED,
      });
      expect(await a.listTopics()).toContain('kept');
    } finally {
      await a.disconnect();
    }
  });
});
