/**
 * Topic routes of the admin endpoint on the wire: list (partitions, topic id, overrides),
 * create, alter configs (set/delete), add partitions, delete. Refusals are problem+json with
 * the Kafka error name and Kafka's message — the very code and message CreateTopics answers
 * over the Kafka protocol for the same input (compared side by side), and the pool's policy
 * (maxPartitions from PUT /v1/limits) applies as for Kafka clients.
 */
import {
  ApiKey,
  ERROR_INFO,
  makeCreateTopicsRequest,
  makeCreateTopicsRequestCreatableTopic,
  makeCreateTopicsRequestCreatableTopicConfig,
  type CreateTopicsResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOKEN = 'pool-token-topics-0123456789';
let tb: TestBroker;
let kafka: RawClient;

beforeAll(async () => {
  tb = await startTestBroker({ 'num.partitions': '2' }, undefined, 0, { adminToken: TOKEN });
  kafka = await RawClient.connect(tb.port);
});
afterAll(async () => {
  kafka?.close();
  await tb?.stop();
});

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${tb.adminUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

interface KafkaProblem {
  status: number;
  title: string;
  detail?: string;
  kafkaError: string;
  kafkaErrorCode: number;
}

async function refused(res: Response, status: number, kafkaError: string): Promise<KafkaProblem> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const p = (await res.json()) as KafkaProblem;
  expect({ status: res.status, kafkaError: p.kafkaError }).toEqual({ status, kafkaError });
  expect(p.title).toBe(kafkaError);
  return p;
}

/** The same create over the Kafka protocol (validate_only, so nothing is created). */
async function kafkaCreate(
  name: string,
  partitions: number,
  configs: Record<string, string>,
): Promise<{ error: string; message: string | null }> {
  const res = await kafka.call<CreateTopicsResponse>(
    ApiKey.CreateTopics,
    7,
    makeCreateTopicsRequest({
      validateOnly: true,
      topics: [
        makeCreateTopicsRequestCreatableTopic({
          name,
          numPartitions: partitions,
          replicationFactor: -1,
          configs: Object.entries(configs).map(([k, v]) =>
            makeCreateTopicsRequestCreatableTopicConfig({ name: k, value: v }),
          ),
        }),
      ],
    }),
  );
  const t = res.topics[0];
  return { error: ERROR_INFO.get(t.errorCode)!.name, message: t.errorMessage };
}

describe('topic routes', () => {
  it('creates, lists and shows topics with id, partitions and overrides', async () => {
    const res = await api('POST', '/v1/topics', {
      name: 'orders',
      partitions: 3,
      configs: { 'retention.ms': '60000', 'cleanup.policy': 'delete' },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { topicId: string };
    expect(created).toMatchObject({
      name: 'orders',
      partitions: 3,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': '60000' },
    });
    expect(created.topicId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api('POST', '/v1/topics', { name: 'defaults' })).status).toBe(201);
    const list = (await (await api('GET', '/v1/topics')).json()) as { topics: unknown[] };
    expect(list.topics).toEqual([
      { name: 'defaults', topicId: expect.any(String), partitions: 2, configs: {} },
      {
        name: 'orders',
        topicId: created.topicId,
        partitions: 3,
        configs: { 'cleanup.policy': 'delete', 'retention.ms': '60000' },
      },
    ]);
    const one = await api('GET', '/v1/topics/orders');
    expect(((await one.json()) as { topicId: string }).topicId).toBe(created.topicId);
    await refused(await api('GET', '/v1/topics/nope'), 404, 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('refuses bad creates with the code and message CreateTopics gives over Kafka', async () => {
    const cases: Array<[string, number, Record<string, string>, number, string]> = [
      ['orders', 1, {}, 409, 'TOPIC_ALREADY_EXISTS'],
      ['bad name', 1, {}, 400, 'INVALID_TOPIC_EXCEPTION'],
      ['ok-1', 1, { 'retention.ms': 'soon' }, 400, 'INVALID_CONFIG'],
      ['ok-2', 1, { 'no.such.config': '1' }, 400, 'INVALID_CONFIG'],
      ['ok-3', 1, { 'cleanup.policy': 'sometimes' }, 400, 'INVALID_CONFIG'],
      ['ok-4', 0, {}, 400, 'INVALID_PARTITIONS'],
      ['ok-5', 10_001, {}, 400, 'INVALID_PARTITIONS'],
    ];
    for (const [name, partitions, configs, status, error] of cases) {
      const p = await refused(
        await api('POST', '/v1/topics', { name, partitions, configs }),
        status,
        error,
      );
      expect({ error: p.kafkaError, message: p.detail ?? null }).toEqual(
        await kafkaCreate(name, partitions, configs),
      );
    }
    const names = (
      (await (await api('GET', '/v1/topics')).json()) as { topics: { name: string }[] }
    ).topics;
    expect(names.map((t) => t.name)).toEqual(['defaults', 'orders']);
  });

  it('refuses malformed bodies with field errors', async () => {
    const cases: Array<[string, string, unknown, string[]]> = [
      ['POST', '/v1/topics', { name: 'x', partitions: 'three' }, ['partitions']],
      ['POST', '/v1/topics', { name: 'x', replicas: 3 }, ['replicas']],
      [
        'POST',
        '/v1/topics',
        { name: 'x', configs: { 'retention.ms': 5 } },
        ['configs.retention.ms'],
      ],
      ['PATCH', '/v1/topics/orders/configs', { set: [] }, ['set']],
      ['POST', '/v1/topics/orders/partitions', { count: 1.5 }, ['count']],
    ];
    for (const [method, path, body, fields] of cases) {
      const res = await api(method, path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const p = (await res.json()) as { errors: { field: string }[] };
      expect(p.errors.map((e) => e.field)).toEqual(fields);
    }
  });

  it('alters configs: sets and deletes keys, validates the result as Kafka does', async () => {
    const res = await api('PATCH', '/v1/topics/orders/configs', {
      set: { 'retention.ms': '120000', 'max.message.bytes': '2048' },
      delete: ['cleanup.policy', 'segment.ms'],
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { configs: unknown }).configs).toEqual({
      'max.message.bytes': '2048',
      'retention.ms': '120000',
    });
    const bad = await refused(
      await api('PATCH', '/v1/topics/orders/configs', { set: { 'retention.ms': 'x' } }),
      400,
      'INVALID_CONFIG',
    );
    expect(bad.detail).toMatch(/retention\.ms/);
    await refused(
      await api('PATCH', '/v1/topics/orders/configs', {
        set: { 'retention.ms': '1' },
        delete: ['retention.ms'],
      }),
      400,
      'INVALID_REQUEST',
    );
    await refused(
      await api('PATCH', '/v1/topics/nope/configs', { set: { 'retention.ms': '1' } }),
      404,
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
    const now = (await (await api('GET', '/v1/topics/orders')).json()) as { configs: unknown };
    expect(now.configs).toEqual({ 'max.message.bytes': '2048', 'retention.ms': '120000' });
  });

  it('adds partitions (a total, as CreatePartitions) and refuses decreases', async () => {
    const res = await api('POST', '/v1/topics/orders/partitions', { count: 5 });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { partitions: number }).partitions).toBe(5);
    const same = await refused(
      await api('POST', '/v1/topics/orders/partitions', { count: 5 }),
      400,
      'INVALID_PARTITIONS',
    );
    expect(same.detail).toBe('Topic already has 5 partition(s).');
    await refused(
      await api('POST', '/v1/topics/orders/partitions', { count: 2 }),
      400,
      'INVALID_PARTITIONS',
    );
    await refused(
      await api('POST', '/v1/topics/nope/partitions', { count: 2 }),
      404,
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
  });

  it("applies the pool's partition limit (POLICY_VIOLATION)", async () => {
    const limits = await api('PUT', '/v1/limits', { cluster: { maxPartitions: 10 } });
    expect(limits.status).toBe(200);
    const p = await refused(
      await api('POST', '/v1/topics', { name: 'big', partitions: 4 }),
      422,
      'POLICY_VIOLATION',
    );
    expect(p.detail).toMatch(/partition/i);
    expect((await api('PUT', '/v1/limits', {})).status).toBe(200);
  });

  it('deletes a topic (204), then it is unknown', async () => {
    expect((await api('DELETE', '/v1/topics/orders')).status).toBe(204);
    await refused(await api('DELETE', '/v1/topics/orders'), 404, 'UNKNOWN_TOPIC_OR_PARTITION');
    const created = await api('POST', '/v1/topics', { name: 'orders', partitions: 1 });
    expect(created.status).toBe(201);
  });
});
