/**
 * API keys through the admin endpoint, end to end on a SASL_PLAINTEXT listener: validation
 * (problem+json with field errors), idempotent upsert, listing without secrets, delete; a
 * created key works at once; a deleted key is refused at once and its open connections are
 * closed within a second (measured); a replaced secret ends the old one's sessions; keys
 * survive a restart; a key of another pool is refused; failures are held about a second,
 * longer when repeated.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiKey,
  ErrorCode,
  makeMetadataRequest,
  type MetadataResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { saslAuthenticate } from './support/sasl-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOKEN = 'pool-token-0123456789abcdef';
const SECRET = 'Zm9vYmFyYmF6cXV4LXNlY3JldC0x';
let tb: TestBroker;

/** Failures back off per address (up to 8x), so most of this file holds them only briefly. */
async function start(dataDir?: string, delayMs = '50'): Promise<TestBroker> {
  return startTestBroker({ 'connection.failed.authentication.delay.ms': delayMs }, dataDir, 0, {
    adminToken: TOKEN,
    extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'],
  });
}

beforeAll(async () => {
  tb = await start();
});
afterAll(async () => {
  await tb.stop();
});

function api(path: string, init: RequestInit = {}, broker = tb): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${TOKEN}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${broker.adminUrl}${path}`, { ...init, headers });
}

function put(id: string, body: unknown, broker = tb): Promise<Response> {
  return api(`/v1/credentials/${id}`, { method: 'PUT', body: JSON.stringify(body) }, broker);
}

async function login(
  id: string,
  secret: string,
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' = 'PLAIN',
  broker = tb,
): Promise<{ client: RawClient; errorCode: number }> {
  const client = await RawClient.connect(broker.listenerPort('SASL_PLAINTEXT'));
  const { response } = await saslAuthenticate(client, mechanism, id, secret);
  return { client, errorCode: response?.errorCode ?? -1 };
}

async function metadataWorks(c: RawClient): Promise<boolean> {
  const m = await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({ topics: null }),
  );
  return m.brokers.length === 1;
}

describe('admin routes', () => {
  it('refuses invalid bodies and ids with 400 problem+json naming the fields', async () => {
    const cases: Array<[string, unknown, string[]]> = [
      ['k1', { secret: SECRET, extra: 1 }, ['extra']],
      ['k1', { secret: 'short' }, ['secret']],
      ['k1', { secret: 'x'.repeat(257) }, ['secret']],
      ['k1', { secret: `${SECRET}\u0001` }, ['secret']],
      ['k1', { secret: SECRET, expiresAt: 'tomorrow' }, ['expiresAt']],
      ['k1', { secret: SECRET, principal: 'Group:x' }, ['principal']],
      ['k1', {}, ['secret']],
      ['bad%20id', { secret: SECRET }, ['id']],
      ['x'.repeat(65), { secret: SECRET }, ['id']],
    ];
    for (const [id, body, fields] of cases) {
      const res = await put(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as { errors: Array<{ field: string }> };
      expect(problem.errors.map((e) => e.field)).toEqual(fields);
      expect(JSON.stringify(problem)).not.toContain(SECRET);
    }
    const noBody = await api('/v1/credentials/k1', { method: 'PUT' });
    expect(noBody.status).toBe(400);
  });

  it('creates (201), re-puts (200), lists and shows metadata only, deletes (204, then 404)', async () => {
    const created = await put('app.key-1', { secret: SECRET, expiresAt: '2999-01-01T00:00:00Z' });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: 'app.key-1',
      principal: 'User:app.key-1',
      expiresAt: '2999-01-01T00:00:00.000Z',
      mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
    });
    expect(
      (await put('app.key-1', { secret: SECRET, expiresAt: '2999-01-01T00:00:00Z' })).status,
    ).toBe(200);
    const list = await api('/v1/credentials');
    const listed = (await list.json()) as { credentials: Array<Record<string, unknown>> };
    const entry = listed.credentials.find((c) => c.id === 'app.key-1')!;
    expect(Object.keys(entry).sort()).toEqual(
      ['createdAt', 'expiresAt', 'id', 'mechanisms', 'principal', 'updatedAt'].sort(),
    );
    const text = JSON.stringify(listed);
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/hash|salt|storedKey|serverKey/);
    expect((await api('/v1/credentials/app.key-1')).status).toBe(200);
    expect((await api('/v1/credentials/app.key-1', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/v1/credentials/app.key-1', { method: 'DELETE' })).status).toBe(404);
    expect((await api('/v1/credentials/app.key-1')).status).toBe(404);
  });

  it('never writes the secret to the data dir', async () => {
    await put('disk-check', { secret: SECRET });
    const text = await readFile(join(tb.dataDir, 'meta', 'credentials.json'), 'utf8');
    expect(text).toContain('"disk-check"');
    expect(text).not.toContain(SECRET);
  });
});

describe('keys take effect at once', () => {
  it('a created key authenticates as soon as the PUT returns', async () => {
    const started = Date.now();
    expect((await put('fresh', { secret: SECRET })).status).toBe(201);
    const { client, errorCode } = await login('fresh', SECRET);
    const elapsed = Date.now() - started;
    expect(errorCode).toBe(ErrorCode.NONE);
    expect(elapsed).toBeLessThan(1000);
    console.log(`created key: PUT to authenticated connection in ${elapsed} ms`);
    client.close();
  });

  it('a deleted key: open connections close within 1 s, new logins fail, others keep working', async () => {
    await put('doomed', { secret: SECRET });
    await put('survivor', { secret: SECRET });
    const doomed = await Promise.all([
      login('doomed', SECRET),
      login('doomed', SECRET, 'SCRAM-SHA-512'),
    ]);
    const survivor = await login('survivor', SECRET, 'SCRAM-SHA-256');
    for (const c of [...doomed, survivor]) expect(c.errorCode).toBe(ErrorCode.NONE);
    expect(tb.broker.context.connections.countByPrincipal('User:doomed')).toBe(2);

    const started = performance.now();
    const deleted = api('/v1/credentials/doomed', { method: 'DELETE' });
    await Promise.all(doomed.map((d) => d.client.waitClosed(1000)));
    const closedMs = performance.now() - started;
    expect((await deleted).status).toBe(204);
    expect(closedMs).toBeLessThan(1000);
    console.log(`deleted key: DELETE sent to both connections closed in ${closedMs.toFixed(1)} ms`);

    const again = await login('doomed', SECRET);
    expect(again.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    await again.client.waitClosed();
    expect(survivor.client.closed).toBe(false);
    expect(await metadataWorks(survivor.client)).toBe(true);
    survivor.client.close();
  });

  it('a replaced secret ends the old sessions; the new secret works, the old one not', async () => {
    await put('rotating', { secret: SECRET });
    const old = await login('rotating', SECRET);
    expect(old.errorCode).toBe(ErrorCode.NONE);
    const next = `${SECRET}-v2`;
    expect((await put('rotating', { secret: next })).status).toBe(200);
    await old.client.waitClosed(1000);
    expect((await login('rotating', SECRET)).errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    const fresh = await login('rotating', next, 'SCRAM-SHA-256');
    expect(fresh.errorCode).toBe(ErrorCode.NONE);
    fresh.client.close();
  });

  it('an expired key is refused', async () => {
    await put('old-key', { secret: SECRET, expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect((await login('old-key', SECRET)).errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
  });
});

describe('failure hold (connection.failed.authentication.delay.ms, default 1000)', () => {
  it('holds a failure about a second, twice that for the next one from the same address', async () => {
    const fresh = await startTestBroker({}, undefined, 0, {
      extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'],
    });
    try {
      await fresh.broker.context.credentials.upsert('held', {
        secret: SECRET,
        expiresAt: null,
        principal: null,
      });
      const holds: number[] = [];
      for (let i = 0; i < 2; i++) {
        const c = await RawClient.connect(fresh.listenerPort('SASL_PLAINTEXT'));
        const started = Date.now();
        const { response } = await saslAuthenticate(c, 'PLAIN', 'held', SECRET.slice(1));
        holds.push(Date.now() - started);
        expect(response?.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
        await c.waitClosed();
      }
      console.log(`failure holds: ${holds.join(' ms, ')} ms`);
      expect(holds[0]).toBeGreaterThanOrEqual(1000);
      expect(holds[0]).toBeLessThan(1500);
      expect(holds[1]).toBeGreaterThanOrEqual(2000);
      expect(holds[1]).toBeLessThan(2600);
    } finally {
      await fresh.stop();
    }
  });
});

describe('persistence and pools', () => {
  it('keys survive a restart; a key of another pool is refused', async () => {
    await put('durable', { secret: SECRET });
    tb = await tb.restart();
    const after = await login('durable', SECRET, 'SCRAM-SHA-512');
    expect(after.errorCode).toBe(ErrorCode.NONE);
    after.client.close();

    const other = await start();
    try {
      for (const mechanism of ['PLAIN', 'SCRAM-SHA-256'] as const) {
        const r = await login('durable', SECRET, mechanism, other);
        expect(r.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
        await r.client.waitClosed();
      }
      // The other pool's own key works there, and not here.
      await put('theirs', { secret: SECRET }, other);
      const theirs = await login('theirs', SECRET, 'PLAIN', other);
      expect(theirs.errorCode).toBe(ErrorCode.NONE);
      theirs.client.close();
      expect((await login('theirs', SECRET)).errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    } finally {
      await other.stop();
    }
  });
});
