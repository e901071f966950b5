/**
 * The admin endpoint's ACL routes: the agent pushes bindings (POST, idempotent), reads them
 * back with Kafka filters (GET) and removes them (DELETE, filter in the query or the body);
 * changes are enforced at once, persist across a restart, and every malformed input is a
 * 400 problem+json naming the field.
 */
import { ApiKey, makeMetadataRequest, type MetadataResponse } from '@tributary/kafka-protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN as TOKEN, Principals, startSaslBroker } from './support/sasl-principals.js';

let tb: TestBroker;
let base: string;
let principals: Principals;

async function start(existing?: TestBroker): Promise<void> {
  principals?.closeAll();
  tb = existing
    ? await existing.restart()
    : await startSaslBroker({ 'authorizer.enabled': 'true' });
  if (principals) principals.rebind(tb);
  else principals = new Principals(tb);
  base = tb.adminUrl!;
}

beforeAll(async () => {
  await start();
  await tb.broker.context.topics.create('orders', 1, new Map());
  await tb.broker.context.topics.create('payments', 1, new Map());
});
afterAll(async () => {
  principals.closeAll();
  await tb.stop();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    json: (await res.json()) as Record<string, unknown>,
  };
}

const binding = (p: Record<string, string> = {}) => ({
  resourceType: 'TOPIC',
  resourceName: 'orders',
  patternType: 'LITERAL',
  principal: 'User:alice',
  host: '*',
  operation: 'READ',
  permissionType: 'ALLOW',
  ...p,
});

async function visibleTopics(principal: string): Promise<string[]> {
  const c = await principals.raw(principal);
  const res = await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({ topics: null }),
  );
  return res.topics.map((t) => t.name!).sort();
}

beforeEach(async () => {
  await call('DELETE', '/v1/acls?resourceType=ANY');
});

describe('admin endpoint: /v1/acls', () => {
  it('creates bindings idempotently and enforces them at once', async () => {
    expect(await visibleTopics('alice')).toEqual([]);
    const first = await call('POST', '/v1/acls', [
      binding(),
      binding({ resourceName: 'pay', patternType: 'PREFIXED', operation: 'DESCRIBE' }),
    ]);
    expect(first.status).toBe(201);
    expect(first.json).toEqual({
      created: [
        binding(),
        binding({ resourceName: 'pay', patternType: 'PREFIXED', operation: 'DESCRIBE' }),
      ],
      existing: [],
    });
    expect(await visibleTopics('alice')).toEqual(['orders', 'payments']);
    const again = await call('POST', '/v1/acls', [binding(), binding({ operation: 'WRITE' })]);
    expect(again.status).toBe(201);
    expect(again.json).toEqual({
      created: [binding({ operation: 'WRITE' })],
      existing: [binding()],
    });
    const same = await call('POST', '/v1/acls', [binding()]);
    expect(same).toMatchObject({ status: 200, json: { created: [], existing: [binding()] } });
    expect(tb.broker.context.authorizer.store.list()).toHaveLength(3);
  });

  it('defaults patternType to LITERAL and host to *', async () => {
    const res = await call('POST', '/v1/acls', [
      {
        resourceType: 'GROUP',
        resourceName: 'g',
        principal: 'User:*',
        operation: 'READ',
        permissionType: 'DENY',
      },
    ]);
    expect(res.json.created).toEqual([
      binding({
        resourceType: 'GROUP',
        resourceName: 'g',
        principal: 'User:*',
        permissionType: 'DENY',
      }),
    ]);
  });

  it('lists with Kafka filter semantics', async () => {
    await call('POST', '/v1/acls', [
      binding(),
      binding({ resourceName: 'ord', patternType: 'PREFIXED', principal: 'User:bob' }),
      binding({ resourceName: '*', operation: 'DESCRIBE' }),
      binding({ resourceType: 'GROUP', resourceName: 'g' }),
    ]);
    const list = async (query: string) =>
      ((await call('GET', `/v1/acls${query}`)).json.acls as Array<{ resourceName: string }>).map(
        (a) => a.resourceName,
      );
    const all = await call('GET', '/v1/acls');
    expect(all.status).toBe(200);
    expect(all.json.authorizerEnabled).toBe(true);
    expect(await list('')).toEqual(['orders', 'ord', '*', 'g']);
    expect(await list('?resourceType=TOPIC&resourceName=orders&patternType=MATCH')).toEqual([
      'orders',
      'ord',
      '*',
    ]);
    expect(await list('?resourceName=orders')).toEqual(['orders']);
    expect(await list('?principal=User:bob')).toEqual(['ord']);
    expect(await list('?operation=DESCRIBE')).toEqual(['*']);
    expect(await list('?resourceType=GROUP&permissionType=ALLOW')).toEqual(['g']);
    expect(await list('?permissionType=DENY')).toEqual([]);
  });

  it('deletes by a query or body filter and answers what it deleted', async () => {
    await call('POST', '/v1/acls', [
      binding(),
      binding({ operation: 'WRITE' }),
      binding({ principal: 'User:bob' }),
    ]);
    const byQuery = await call('DELETE', '/v1/acls?principal=User:bob');
    expect(byQuery).toMatchObject({
      status: 200,
      json: { deleted: [binding({ principal: 'User:bob' })] },
    });
    const byBody = await call('DELETE', '/v1/acls', { operation: 'WRITE', resourceType: 'TOPIC' });
    expect(byBody.json).toEqual({ deleted: [binding({ operation: 'WRITE' })] });
    const nothing = await call('DELETE', '/v1/acls?resourceName=absent');
    expect(nothing.json).toEqual({ deleted: [] });
    expect(await visibleTopics('alice')).toEqual(['orders']);
    const rest = await call('DELETE', '/v1/acls?resourceType=ANY');
    expect(rest.json).toEqual({ deleted: [binding()] });
    expect(await visibleTopics('alice')).toEqual([]);
  });

  it('refuses malformed input with 400 problem+json naming the fields', async () => {
    const cases: Array<[string, string, unknown, string[]]> = [
      ['POST', '/v1/acls', { not: 'an array' }, ['(body)']],
      ['POST', '/v1/acls', [], ['(body)']],
      ['POST', '/v1/acls', [binding({ patternType: 'MATCH' })], ['0.patternType']],
      ['POST', '/v1/acls', [binding({ operation: 'ANY' })], ['0.operation']],
      ['POST', '/v1/acls', [binding({ resourceType: 'ANY' })], ['0.resourceType']],
      ['POST', '/v1/acls', [binding({ permissionType: 'ANY' })], ['0.permissionType']],
      ['POST', '/v1/acls', [binding({ principal: 'alice' })], ['0.principal']],
      ['POST', '/v1/acls', [binding({ resourceName: '' })], ['0.resourceName']],
      ['POST', '/v1/acls', [binding(), { ...binding(), extra: 1 }], ['1']],
      ['POST', '/v1/acls', [binding({ resourceType: 'CLUSTER', resourceName: 'other' })], ['0']],
      ['GET', '/v1/acls?operation=read', undefined, ['operation']],
      ['GET', '/v1/acls?colour=blue', undefined, ['(body)']],
      ['DELETE', '/v1/acls', undefined, []],
      ['DELETE', '/v1/acls', {}, []],
      ['DELETE', '/v1/acls?principal=User:a', { principal: 'User:b' }, []],
      ['DELETE', '/v1/acls', { patternType: 'SOMETIMES' }, ['patternType']],
    ];
    await call('POST', '/v1/acls', [binding()]);
    for (const [method, path, body, fields] of cases) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.json).toMatchObject({ status: 400, title: 'Bad Request' });
      const errors = (res.json.errors ?? []) as Array<{ field: string; message: string }>;
      expect(errors.map((e) => e.field)).toEqual(fields);
    }
    // Nothing changed.
    expect(tb.broker.context.authorizer.store.list()).toHaveLength(1);
  });

  it('keeps what it stored across a restart', async () => {
    await call('POST', '/v1/acls', [binding({ principal: 'User:zed', operation: 'ALL' })]);
    await start(tb);
    expect((await call('GET', '/v1/acls')).json.acls).toEqual([
      binding({ principal: 'User:zed', operation: 'ALL' }),
    ]);
    expect(await visibleTopics('zed')).toEqual(['orders']);
  });
});
