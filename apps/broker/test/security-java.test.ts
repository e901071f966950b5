/**
 * The Java client (Kafka 4.4) over SASL_SSL with SCRAM-SHA-256: an idempotent producer and a
 * consumer group read back every record; a wrong secret fails with Java's
 * SaslAuthenticationException; with connections.max.reauth.ms set, a consumer running for
 * several session lifetimes re-authenticates in-band (KIP-368) and the broker never has to
 * close it for an expired session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProcessError,
  consumeGroup,
  createTempDir,
  createTestPki,
  ensureJavaTools,
  produceIdempotent,
  type TempDir,
} from '@tributary/testing';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const SECRET = 'java-secret-0123456789abc';
const REAUTH_MS = 2000;
let tmp: TempDir;
let keystore: string;
let caFile: string;
const brokers: TestBroker[] = [];

beforeAll(async () => {
  await ensureJavaTools();
  tmp = await createTempDir('java-sasl-');
  const pki = await createTestPki(tmp.path);
  keystore = (await pki.issue('broker')).keystore;
  caFile = pki.caFile;
}, 600_000);

afterAll(async () => {
  for (const b of brokers) await b.stop();
  await tmp?.remove();
});

async function start(props: Record<string, string> = {}): Promise<TestBroker> {
  const tb = await startTestBroker({ 'ssl.keystore.location': keystore, ...props }, undefined, 0, {
    extraArgs: ['--listen', 'SASL_SSL://127.0.0.1:0'],
  });
  brokers.push(tb);
  await tb.broker.context.credentials.upsert('java-app', {
    secret: SECRET,
    expiresAt: null,
    principal: null,
  });
  return tb;
}

function client(password = SECRET): Record<string, string> {
  return {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-256',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="java-app" password="${password}";`,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': caFile,
  };
}

describe('Java client, SASL_SSL + SCRAM-SHA-256', () => {
  it('produces idempotently and consumes every record through a group', async () => {
    const tb = await start();
    const bootstrap = `127.0.0.1:${tb.listenerPort('SASL_SSL')}`;
    const { summary } = await produceIdempotent(bootstrap, 'java-sasl', {
      count: 500,
      properties: client(),
      quiet: true,
    });
    expect(summary).toMatchObject({ acked: 500, errors: 0 });
    const consumed = await consumeGroup(bootstrap, 'java-sasl', {
      group: 'java-sasl-group',
      maxRecords: 500,
      autoOffsetReset: 'earliest',
      properties: client(),
      quiet: true,
    });
    expect(consumed.summary.consumed).toBe(500);
    expect(tb.broker.context.sasl.stats.authenticated).toBeGreaterThanOrEqual(2);

    const refused = await produceIdempotent(bootstrap, 'java-sasl', {
      count: 1,
      properties: { ...client(`${SECRET}-wrong`), 'max.block.ms': '5000' },
      timeoutMs: 60_000,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProcessError);
    const output = `${(refused as ProcessError).result.stdout.toString()}${(refused as ProcessError).result.stderr}`;
    expect(output).toContain('SaslAuthenticationException');
    expect(output).toContain('Authentication failed: Invalid username or password');
  });

  it(`re-authenticates in-band with connections.max.reauth.ms=${REAUTH_MS}`, async () => {
    const tb = await start({ 'connections.max.reauth.ms': String(REAUTH_MS) });
    const bootstrap = `127.0.0.1:${tb.listenerPort('SASL_SSL')}`;
    await produceIdempotent(bootstrap, 'java-reauth', {
      count: 20,
      properties: client(),
      quiet: true,
    });
    const stats = tb.broker.context.sasl.stats;
    const before = { ...stats };
    // Polls for 14 s (7 session lifetimes; the JVM's start-up counts against it), long after
    // the 20 records have arrived.
    const consumed = await consumeGroup(bootstrap, 'java-reauth', {
      group: 'java-reauth-group',
      maxRecords: 1000,
      allowPartial: true,
      consumeTimeoutMs: 14_000,
      autoOffsetReset: 'earliest',
      properties: client(),
      quiet: true,
    });
    expect(consumed.summary.consumed).toBe(20);
    console.log(
      `re-authentications: ${stats.reauthenticated - before.reauthenticated}, expired sessions closed: ${stats.expiredSessionsClosed - before.expiredSessionsClosed}`,
    );
    expect(stats.reauthenticated - before.reauthenticated).toBeGreaterThanOrEqual(2);
    expect(stats.expiredSessionsClosed).toBe(before.expiredSessionsClosed);
  });
});
