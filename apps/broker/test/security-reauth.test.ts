/**
 * Re-authentication (KIP-368) on the wire: session_lifetime_ms (connections.max.reauth.ms or
 * the key's remaining validity, whichever is less); a request after the session expired
 * closes the connection unless it starts a re-authentication; re-authentication keeps the
 * connection, at most once a second, with the same mechanism and principal only.
 * (security-java.test.ts shows the Java client doing it in-band.)
 */
import {
  ApiKey,
  ErrorCode,
  makeMetadataRequest,
  makeSaslAuthenticateRequest,
  makeSaslHandshakeRequest,
  type MetadataResponse,
  type SaslAuthenticateResponse,
  type SaslHandshakeResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { plainToken, saslAuthenticate } from './support/sasl-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const SECRET = 'reauth-secret-0123456789';
const REAUTH_MS = 1500;
let tb: TestBroker;

beforeAll(async () => {
  tb = await startTestBroker(
    {
      'connections.max.reauth.ms': String(REAUTH_MS),
      'connection.failed.authentication.delay.ms': '10',
    },
    undefined,
    0,
    { extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'] },
  );
  const store = tb.broker.context.credentials;
  for (const id of ['r1', 'r2']) {
    await store.upsert(id, { secret: SECRET, expiresAt: null, principal: null });
  }
});
afterAll(async () => {
  await tb.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function login(id = 'r1', mechanism: 'PLAIN' | 'SCRAM-SHA-256' = 'PLAIN') {
  const c = await RawClient.connect(tb.listenerPort('SASL_PLAINTEXT'));
  const { response } = await saslAuthenticate(c, mechanism, id, SECRET);
  return { c, response: response! };
}

async function metadata(c: RawClient): Promise<MetadataResponse> {
  return c.call(ApiKey.Metadata, 12, makeMetadataRequest({ topics: null }));
}

function handshake(c: RawClient, mechanism = 'PLAIN'): Promise<SaslHandshakeResponse> {
  return c.call(ApiKey.SaslHandshake, 1, makeSaslHandshakeRequest({ mechanism }));
}

function authenticate(c: RawClient, token: Buffer): Promise<SaslAuthenticateResponse> {
  return c.call(ApiKey.SaslAuthenticate, 2, makeSaslAuthenticateRequest({ authBytes: token }));
}

describe('session lifetime', () => {
  it('is connections.max.reauth.ms in SaslAuthenticate v1+', async () => {
    const { c, response } = await login();
    expect(response.sessionLifetimeMs).toBe(REAUTH_MS);
    c.close();
  });

  it("is the key's remaining validity when that is shorter", async () => {
    const expiresAt = new Date(Date.now() + 800).toISOString();
    await tb.broker.context.credentials.upsert('short', {
      secret: SECRET,
      expiresAt,
      principal: null,
    });
    const { c, response } = await login('short');
    expect(response.sessionLifetimeMs).toBeGreaterThan(0);
    expect(response.sessionLifetimeMs).toBeLessThanOrEqual(800);
    c.close();
  });

  it('closes the connection on the first request after it expired', async () => {
    const closedBefore = tb.broker.context.sasl.stats.expiredSessionsClosed;
    const { c } = await login();
    expect((await metadata(c)).brokers).toHaveLength(1);
    await sleep(REAUTH_MS + 100);
    expect(c.closed).toBe(false); // idle connections are not chased
    c.send(c.frame(ApiKey.Metadata, 12, makeMetadataRequest({ topics: null })));
    expect(await c.next()).toBeNull();
    expect(tb.broker.context.sasl.stats.expiredSessionsClosed).toBe(closedBefore + 1);
  });
});

describe('re-authentication', () => {
  it('renews the session in-band, even after it expired; the connection stays', async () => {
    const { c } = await login('r1', 'SCRAM-SHA-256');
    await sleep(1100);
    const r = await saslAuthenticate(c, 'SCRAM-SHA-256', 'r1', SECRET);
    expect(r.response).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: REAUTH_MS });
    expect(r.serverVerified).toBe(true);
    await sleep(REAUTH_MS + 100);
    // Expired again: a re-authentication is still admitted.
    const again = await saslAuthenticate(c, 'SCRAM-SHA-256', 'r1', SECRET);
    expect(again.response?.errorCode).toBe(ErrorCode.NONE);
    expect((await metadata(c)).brokers).toHaveLength(1);
    c.close();
  });

  it('is refused within a second of the previous one (ILLEGAL_SASL_STATE, connection kept)', async () => {
    const { c } = await login();
    await sleep(1050);
    expect((await saslAuthenticate(c, 'PLAIN', 'r1', SECRET)).response?.errorCode).toBe(
      ErrorCode.NONE,
    );
    expect((await handshake(c)).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect((await metadata(c)).brokers).toHaveLength(1);
    c.close();
  });

  it('fails and closes when the principal would change', async () => {
    const { c } = await login('r1');
    await sleep(1050);
    expect((await handshake(c)).errorCode).toBe(ErrorCode.NONE);
    const r = await authenticate(c, plainToken('r2', SECRET));
    expect(r.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    await c.waitClosed();
  });

  it('fails and closes when the mechanism would change', async () => {
    const { c } = await login('r1', 'PLAIN');
    await sleep(1050);
    const h = await handshake(c, 'SCRAM-SHA-512');
    expect(h.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    await c.waitClosed();
  });

  it('fails and closes with a wrong secret', async () => {
    const { c } = await login('r1');
    await sleep(1050);
    await handshake(c);
    const r = await authenticate(c, plainToken('r1', `${SECRET}x`));
    expect(r.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    await c.waitClosed();
  });
});

describe('without connections.max.reauth.ms', () => {
  it('has no session lifetime and answers a second handshake ILLEGAL_SASL_STATE', async () => {
    const plain = await startTestBroker({}, undefined, 0, {
      extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'],
    });
    try {
      await plain.broker.context.credentials.upsert('r1', {
        secret: SECRET,
        expiresAt: null,
        principal: null,
      });
      const c = await RawClient.connect(plain.listenerPort('SASL_PLAINTEXT'));
      const { response } = await saslAuthenticate(c, 'PLAIN', 'r1', SECRET, 1);
      expect(response).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: 0 });
      await sleep(1050);
      expect((await handshake(c)).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
      expect((await metadata(c)).brokers).toHaveLength(1);
      c.close();
    } finally {
      await plain.stop();
    }
  });
});
