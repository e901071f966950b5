/**
 * SASL on the wire, with the test's own SASL client: the admission rules before
 * authentication, handshake errors, PLAIN and SCRAM (both hashes) success and failure, the
 * legacy SaslHandshake v0 flow with raw tokens, the failure delay and its back-off, the log
 * line of a failure (key and address, never the secret), and frame limits before
 * authentication.
 */
import {
  ApiKey,
  ErrorCode,
  makeApiVersionsRequest,
  makeMetadataRequest,
  makeSaslAuthenticateRequest,
  makeSaslHandshakeRequest,
  type ApiVersionsResponse,
  type MetadataResponse,
  type SaslAuthenticateResponse,
  type SaslHandshakeResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHENTICATION_FAILED_MESSAGE } from '../src/security/sasl/sasl-session.js';
import { captureLog, type CapturedLog } from './support/capture-log.js';
import { RawClient } from './support/raw-client.js';
import { ScramClient, plainToken, saslAuthenticate } from './support/sasl-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const SECRET = 'correct-horse-battery-staple-1';
/** Small here (failures from one address back off up to 8x); the default's hold is measured in security-credentials.test.ts. */
const DELAY_MS = 20;
let tb: TestBroker;
let log: CapturedLog;
let port: number;

beforeAll(async () => {
  log = captureLog();
  tb = await startTestBroker(
    {
      'connection.failed.authentication.delay.ms': String(DELAY_MS),
      'sasl.server.max.receive.size': '4096',
    },
    undefined,
    0,
    { extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'], log },
  );
  port = tb.listenerPort('SASL_PLAINTEXT');
  const store = tb.broker.context.credentials;
  await store.upsert('app-1', { secret: SECRET, expiresAt: null, principal: null });
  await store.upsert('svc.key_2', { secret: SECRET, expiresAt: null, principal: 'User:sa-42' });
});
afterAll(async () => {
  await tb.stop();
});

async function connect(): Promise<RawClient> {
  return RawClient.connect(port);
}

async function metadataWorks(c: RawClient): Promise<boolean> {
  const m = await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({ topics: null }),
  );
  return m.brokers.length === 1 && m.brokers[0].port === port;
}

function handshake(c: RawClient, mechanism: string, version = 1): Promise<SaslHandshakeResponse> {
  return c.call(ApiKey.SaslHandshake, version, makeSaslHandshakeRequest({ mechanism }));
}

function authenticate(
  c: RawClient,
  authBytes: Buffer,
  version = 2,
): Promise<SaslAuthenticateResponse> {
  return c.call(ApiKey.SaslAuthenticate, version, makeSaslAuthenticateRequest({ authBytes }));
}

/** Sends a raw size-prefixed token and reads the raw answer (null: closed). */
async function rawToken(c: RawClient, token: Buffer): Promise<Buffer | null> {
  const size = Buffer.alloc(4);
  size.writeInt32BE(token.length);
  c.send(Buffer.concat([size, token]));
  return c.next();
}

describe('admission before authentication', () => {
  it('advertises SaslHandshake v0-1 and SaslAuthenticate v0-2 and answers ApiVersions', async () => {
    const c = await connect();
    const v = await c.call<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      makeApiVersionsRequest({ clientSoftwareName: 't', clientSoftwareVersion: '1' }),
    );
    const range = (k: number) => v.apiKeys.find((a) => a.apiKey === k);
    expect(range(ApiKey.SaslHandshake)).toMatchObject({ minVersion: 0, maxVersion: 1 });
    expect(range(ApiKey.SaslAuthenticate)).toMatchObject({ minVersion: 0, maxVersion: 2 });
    c.close();
  });

  it('closes the connection on any other request before authentication', async () => {
    const c = await connect();
    c.send(c.frame(ApiKey.Metadata, 12, makeMetadataRequest({ topics: null })));
    expect(await c.next()).toBeNull();
  });

  it('closes on a request other than SaslAuthenticate after the handshake', async () => {
    const c = await connect();
    expect((await handshake(c, 'PLAIN')).errorCode).toBe(ErrorCode.NONE);
    c.send(c.frame(ApiKey.ApiVersions, 0, makeApiVersionsRequest()));
    expect(await c.next()).toBeNull();
  });

  it('answers UNSUPPORTED_SASL_MECHANISM with the enabled mechanisms, then closes', async () => {
    const c = await connect();
    const r = await handshake(c, 'GSSAPI');
    expect(r.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(r.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    await c.waitClosed();
  });

  it('answers ILLEGAL_SASL_STATE to SaslAuthenticate before the handshake, then closes', async () => {
    const c = await connect();
    const r = await authenticate(c, plainToken('app-1', SECRET));
    expect(r.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    await c.waitClosed();
  });

  it('answers ILLEGAL_SASL_STATE to a second handshake, then closes', async () => {
    const c = await connect();
    await handshake(c, 'PLAIN');
    expect((await handshake(c, 'PLAIN')).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    await c.waitClosed();
  });

  it('closes on a frame above sasl.server.max.receive.size before authentication', async () => {
    const c = await connect();
    const big = Buffer.alloc(8);
    big.writeInt32BE(100_000, 0);
    c.send(big);
    await c.waitClosed();
  });
});

describe('PLAIN', () => {
  it('authenticates the key as User:<id> and then serves every API', async () => {
    const c = await connect();
    const { handshake: h, response } = await saslAuthenticate(c, 'PLAIN', 'app-1', SECRET);
    expect(h.errorCode).toBe(ErrorCode.NONE);
    expect(response).toMatchObject({ errorCode: ErrorCode.NONE, sessionLifetimeMs: 0 });
    expect(await metadataWorks(c)).toBe(true);
    const info = tb.broker.context.connections.list().find((i) => i.listener.port === port);
    expect(info).toMatchObject({ principal: 'User:app-1', authenticated: true });
    // After authentication: answered normally, the connection stays.
    expect((await handshake(c, 'PLAIN')).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect((await authenticate(c, Buffer.from('x'))).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect(await metadataWorks(c)).toBe(true);
    c.close();
  });

  it('uses the principal override and accepts an authzid equal to the username', async () => {
    const c = await connect();
    await handshake(c, 'PLAIN');
    const r = await authenticate(c, plainToken('svc.key_2', SECRET, 'svc.key_2'));
    expect(r.errorCode).toBe(ErrorCode.NONE);
    const infos = tb.broker.context.connections.list();
    expect(infos.some((i) => i.principal === 'User:sa-42')).toBe(true);
    c.close();
  });

  for (const [what, token] of [
    ['a wrong secret', plainToken('app-1', `${SECRET}x`)],
    ['an unknown key', plainToken('nobody', SECRET)],
    ['an authzid that is not the username', plainToken('app-1', SECRET, 'admin')],
    ['a malformed message', Buffer.from(`app-1\0${SECRET}`)],
    ['an empty secret', plainToken('app-1', '')],
    ['invalid UTF-8', Buffer.from([0, 0x61, 0, 0xff, 0xfe])],
  ] as const) {
    it(`refuses ${what} with SASL_AUTHENTICATION_FAILED, the generic message, then closes`, async () => {
      const c = await connect();
      await handshake(c, 'PLAIN');
      const started = Date.now();
      const r = await authenticate(c, token);
      expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 5);
      expect(r.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      expect(r.errorMessage).toBe(AUTHENTICATION_FAILED_MESSAGE);
      await c.waitClosed();
    });
  }

  it('logs a failure with the key id and the address, never the secret', async () => {
    const c = await connect();
    await handshake(c, 'PLAIN');
    await authenticate(c, plainToken('app-1', 'not-the-secret-at-all-0042'));
    const line = await log.waitFor(/authentication failed for key "app-1": wrong secret/);
    expect(line).toContain('127.0.0.1');
    expect(log.lines.join('\n')).not.toContain('not-the-secret-at-all-0042');
    expect(log.lines.join('\n')).not.toContain(SECRET);
    c.close();
  });
});

describe('SCRAM', () => {
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`${mechanism}: authenticates and proves the server knows the credential`, async () => {
      const c = await connect();
      const r = await saslAuthenticate(c, mechanism, 'app-1', SECRET);
      expect(r.response?.errorCode).toBe(ErrorCode.NONE);
      expect(r.serverVerified).toBe(true);
      expect(await metadataWorks(c)).toBe(true);
      c.close();
    });

    it(`${mechanism}: refuses a wrong secret at the final step`, async () => {
      const c = await connect();
      const r = await saslAuthenticate(c, mechanism, 'app-1', 'wrong-secret-wrong-secret');
      expect(r.response?.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      expect(r.response?.errorMessage).toBe(AUTHENTICATION_FAILED_MESSAGE);
      await c.waitClosed();
    });
  }

  it('answers an unknown key like a known one until the proof fails', async () => {
    const c1 = await connect();
    await handshake(c1, 'SCRAM-SHA-256');
    const scram = new ScramClient('SCRAM-SHA-256', 'ghost', 'x');
    const first = await authenticate(c1, scram.first());
    expect(first.errorCode).toBe(ErrorCode.NONE);
    const attrs = first.authBytes.toString().split(',');
    expect(attrs[1]).toMatch(/^s=/);
    expect(attrs[2]).toBe('i=4096');
    // The fake salt is stable for the same name, like a real one.
    const c2 = await connect();
    await handshake(c2, 'SCRAM-SHA-256');
    const again = await authenticate(c2, new ScramClient('SCRAM-SHA-256', 'ghost', 'y').first());
    expect(again.authBytes.toString().split(',')[1]).toBe(attrs[1]);
    c2.close();
    const final = await authenticate(c1, await scram.final(first.authBytes));
    expect(final.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    await c1.waitClosed();
  });

  for (const [what, message] of [
    ['a reserved m= extension', 'n,,m=ext,n=app-1,r=abc'],
    ['channel binding (y)', 'y,,n=app-1,r=abc'],
    ['channel binding (p=)', 'p=tls-unique,,n=app-1,r=abc'],
    ['a nonce with a comma-free but non-printable byte', 'n,,n=app-1,r=a\x01b'],
    ['a bad name escape', 'n,,n=app=1,r=abc'],
    ['a truncated message', 'n,,n=app-1'],
    ['a delegation token login', 'n,,n=app-1,r=abc,tokenauth=true'],
  ] as const) {
    it(`refuses a client-first message with ${what}`, async () => {
      const c = await connect();
      await handshake(c, 'SCRAM-SHA-512');
      const r = await authenticate(c, Buffer.from(message));
      expect(r.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      await c.waitClosed();
    });
  }

  for (const [what, mutate] of [
    ['another nonce', (m: string) => m.replace(/r=([^,]+)/, 'r=$1x')],
    ['another channel binding', (m: string) => m.replace(/^c=[^,]+/, 'c=eSws')],
    ['a short proof', (m: string) => m.replace(/p=.*$/, 'p=AAAA')],
    ['no proof', (m: string) => m.replace(/,p=.*$/, '')],
  ] as const) {
    it(`refuses a client-final message with ${what}`, async () => {
      const c = await connect();
      await handshake(c, 'SCRAM-SHA-256');
      const scram = new ScramClient('SCRAM-SHA-256', 'app-1', SECRET);
      const first = await authenticate(c, scram.first());
      const final = (await scram.final(first.authBytes)).toString();
      const r = await authenticate(c, Buffer.from(mutate(final)));
      expect(r.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      await c.waitClosed();
    });
  }
});

describe('legacy flow (SaslHandshake v0, raw tokens)', () => {
  it('PLAIN: a raw token in, an empty raw token out, then Kafka requests', async () => {
    const c = await connect();
    expect((await handshake(c, 'PLAIN', 0)).errorCode).toBe(ErrorCode.NONE);
    const reply = await rawToken(c, plainToken('app-1', SECRET));
    expect(reply).toEqual(Buffer.alloc(0));
    expect(await metadataWorks(c)).toBe(true);
    c.close();
  });

  it('SCRAM-SHA-512: two raw round trips', async () => {
    const c = await connect();
    await handshake(c, 'SCRAM-SHA-512', 0);
    const scram = new ScramClient('SCRAM-SHA-512', 'app-1', SECRET);
    const serverFirst = await rawToken(c, scram.first());
    const serverFinal = await rawToken(c, await scram.final(serverFirst!));
    expect(scram.verifyServerFinal(serverFinal!)).toBe(true);
    expect(await metadataWorks(c)).toBe(true);
    c.close();
  });

  it('a failure closes the connection without an answer', async () => {
    const c = await connect();
    await handshake(c, 'PLAIN', 0);
    expect(await rawToken(c, plainToken('app-1', 'wrong-wrong-wrong-wrong'))).toBeNull();
  });
});

describe('failure delay', () => {
  it('holds failures for at least the delay, backing off to at most 8 times it', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await connect();
      await handshake(c, 'PLAIN');
      const started = Date.now();
      await authenticate(c, plainToken('app-1', 'nope-nope-nope-nope'));
      const held = Date.now() - started;
      expect(held).toBeGreaterThanOrEqual(DELAY_MS - 5);
      expect(held).toBeLessThan(8 * DELAY_MS + 500);
      c.close();
    }
  });

  it('closes at once when a request is pipelined behind SaslAuthenticate: no early oracle', async () => {
    const c = await connect();
    await handshake(c, 'PLAIN');
    const auth = c.frame(
      ApiKey.SaslAuthenticate,
      2,
      makeSaslAuthenticateRequest({ authBytes: plainToken('app-1', SECRET) }),
    );
    const metadata = c.frame(ApiKey.Metadata, 12, makeMetadataRequest({ topics: null }));
    c.send(Buffer.concat([auth, metadata]));
    // Closed whether or not the secret is right: the close says nothing about it.
    await c.waitClosed(1000);
  });
});
