/**
 * API keys pushed as derived material (`PUT /v1/credentials/:id` with `{ derived }`), the way
 * the data-plane agent pushes what the control plane stores: the broker never sees the
 * secret, yet PLAIN and SCRAM-SHA-256/512 logins with it work exactly as for a key created
 * from its secret; wrong secrets are refused; the same material again is "unchanged" (open
 * sessions stay), new material replaces the key (open sessions end); bad material and bodies
 * with both or neither of secret/derived are 400 problem+json naming the fields; the key
 * survives a restart.
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import { deriveApiKeyCredential, derivedCredentialToJson } from '@tributary/credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { saslAuthenticate } from './support/sasl-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOKEN = 'pool-token-derived-0123456789';
const SECRET = 'derived-secret-0123456789abcdef';
let tb: TestBroker;

beforeAll(async () => {
  tb = await startTestBroker({ 'connection.failed.authentication.delay.ms': '20' }, undefined, 0, {
    adminToken: TOKEN,
    extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'],
  });
});
afterAll(async () => {
  await tb?.stop();
});

function put(id: string, body: unknown): Promise<Response> {
  return fetch(`${tb.adminUrl}/v1/credentials/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

async function login(
  id: string,
  secret: string,
  mechanism: Mechanism,
): Promise<{ client: RawClient; errorCode: number; serverVerified?: boolean }> {
  const client = await RawClient.connect(tb.listenerPort('SASL_PLAINTEXT'));
  const r = await saslAuthenticate(client, mechanism, id, secret);
  return { client, errorCode: r.response?.errorCode ?? -1, serverVerified: r.serverVerified };
}

const MECHANISMS: Mechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

describe('PUT /v1/credentials/:id with derived material', () => {
  it('creates a key whose secret logs in over PLAIN and SCRAM, and only that secret', async () => {
    const derived = derivedCredentialToJson(await deriveApiKeyCredential(SECRET));
    const res = await put('dk-1', { derived, principal: 'User:sa-derived' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: 'dk-1', principal: 'User:sa-derived', expiresAt: null });
    expect(JSON.stringify(body)).not.toContain(derived.plain.hash);
    for (const m of MECHANISMS) {
      const ok = await login('dk-1', SECRET, m);
      expect(ok.errorCode, m).toBe(ErrorCode.NONE);
      if (m !== 'PLAIN') expect(ok.serverVerified, m).toBe(true);
      ok.client.close();
      const bad = await login('dk-1', `${SECRET}x`, m);
      expect(bad.errorCode, m).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      bad.client.close();
    }
  });

  it('the same material is unchanged (sessions stay); new material replaces the key', async () => {
    const derived = derivedCredentialToJson(await deriveApiKeyCredential(SECRET));
    expect((await put('dk-2', { derived })).status).toBe(201);
    const session = await login('dk-2', SECRET, 'SCRAM-SHA-512');
    expect(session.errorCode).toBe(ErrorCode.NONE);
    expect((await put('dk-2', { derived })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(session.client.closed).toBe(false);

    const rotated = derivedCredentialToJson(await deriveApiKeyCredential(`${SECRET}-v2`));
    expect((await put('dk-2', { derived: rotated })).status).toBe(200);
    await session.client.waitClosed(2000);
    expect((await login('dk-2', SECRET, 'PLAIN')).errorCode).toBe(
      ErrorCode.SASL_AUTHENTICATION_FAILED,
    );
    const fresh = await login('dk-2', `${SECRET}-v2`, 'PLAIN');
    expect(fresh.errorCode).toBe(ErrorCode.NONE);
    fresh.client.close();
  });

  it('refuses malformed material and ambiguous bodies with field errors', async () => {
    const derived = derivedCredentialToJson(await deriveApiKeyCredential(SECRET));
    const cases: Array<[unknown, string[]]> = [
      [{ derived, secret: SECRET }, ['derived']],
      [{ derived: { ...derived, plain: { ...derived.plain, N: 1536 } } }, ['derived.plain.N']],
      [
        {
          derived: {
            ...derived,
            scram: {
              ...derived.scram,
              'SCRAM-SHA-256': { ...derived.scram['SCRAM-SHA-256'], iterations: 10 },
            },
          },
        },
        ['derived.scram.SCRAM-SHA-256.iterations'],
      ],
      [{ derived: { plain: derived.plain } }, ['derived.scram']],
      [
        { derived: { ...derived, plain: { ...derived.plain, salt: '***' } } },
        ['derived.plain.salt'],
      ],
    ];
    for (const [body, fields] of cases) {
      const res = await put('dk-3', body);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as { errors: Array<{ field: string }> };
      expect(problem.errors.map((e) => e.field)).toEqual(fields);
    }
    const list = await fetch(`${tb.adminUrl}/v1/credentials/dk-3`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(list.status).toBe(404);
  });

  it('keeps a derived key across a restart', async () => {
    const derived = derivedCredentialToJson(await deriveApiKeyCredential(SECRET));
    expect((await put('dk-4', { derived })).status).toBe(201);
    tb = await tb.restart();
    const ok = await login('dk-4', SECRET, 'SCRAM-SHA-256');
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    ok.client.close();
  });
});
