/**
 * kcat (librdkafka 2.0) against the broker process over SASL_SSL: a key created through the
 * admin endpoint produces and consumes with PLAIN (binary-safe, keyed) and SCRAM-SHA-512
 * (librdkafka's client-final nonce quirk included); a wrong secret gets Kafka's
 * authentication error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProcessError,
  createTempDir,
  createTestPki,
  freePort,
  kcatConsume,
  kcatMetadata,
  kcatProduce,
  startBroker,
  type BrokerProcess,
  type KcatSecurity,
  type TempDir,
} from '@tributary/testing';

const TOKEN = 'kcat-pool-token-0123456789';
const SECRET = 'kcat-secret-0123456789abcdef';
let broker: BrokerProcess;
let tmp: TempDir;
let bootstrap: string;
let security: KcatSecurity;

beforeAll(async () => {
  tmp = await createTempDir('kcat-sasl-');
  const pki = await createTestPki(tmp.path);
  const server = await pki.issue('broker');
  const saslPort = await freePort();
  const adminPort = await freePort();
  broker = await startBroker({
    args: [
      '--listen', `SASL_SSL://127.0.0.1:${saslPort}`,
      '--admin-listen', `127.0.0.1:${adminPort}`,
      '--set', `ssl.keystore.location=${server.keystore}`,
      '--set', 'connection.failed.authentication.delay.ms=200',
    ],
    env: { TRIBUTARY_ADMIN_TOKEN: TOKEN },
  }); // prettier-ignore
  bootstrap = `127.0.0.1:${saslPort}`;
  const res = await fetch(`http://127.0.0.1:${adminPort}/v1/credentials/kcat-key`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ secret: SECRET }),
  });
  expect(res.status).toBe(201);
  security = {
    protocol: 'SASL_SSL',
    saslMechanism: 'PLAIN',
    username: 'kcat-key',
    password: SECRET,
    caLocation: pki.caFile,
  };
}, 60_000);

afterAll(async () => {
  await broker?.dispose();
  await tmp?.remove();
});

describe('kcat over SASL_SSL', () => {
  it('produces and consumes with PLAIN, byte for byte', async () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i}`,
      value: Buffer.from([i, 0, 255, 10, 13, i ^ 0x5a]),
    }));
    await kcatProduce({ bootstrap, security, topic: 'kcat-plain' }, messages);
    const records = await kcatConsume({ bootstrap, security, topic: 'kcat-plain' });
    expect(records.map((r) => [r.offset, r.key?.toString(), r.value])).toEqual(
      messages.map((m, i) => [i, m.key, m.value]),
    );
  });

  it('produces and consumes with SCRAM-SHA-512', async () => {
    const scram: KcatSecurity = { ...security, saslMechanism: 'SCRAM-SHA-512' };
    await kcatProduce({ bootstrap, security: scram, topic: 'kcat-scram' }, [
      { value: 'one' },
      { value: 'two' },
    ]);
    const records = await kcatConsume({ bootstrap, security: scram, topic: 'kcat-scram' });
    expect(records.map((r) => r.value?.toString())).toEqual(['one', 'two']);
  });

  it('is refused with a wrong secret', async () => {
    const error = await kcatMetadata({
      bootstrap,
      security: { ...security, password: `${SECRET}-wrong` },
      timeoutMs: 30_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as ProcessError).result.stderr).toContain(
      'SASL authentication error: Authentication failed: Invalid username or password',
    );
  });
});
