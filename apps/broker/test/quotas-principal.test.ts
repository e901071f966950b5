/**
 * Per-principal limits with SASL users (API keys over SASL_PLAINTEXT, PLAIN):
 *   - two Java producers with the same client id but different keys each get their own
 *     user quota (one named, one from the `<default>` user entry), within 10%;
 *   - a principal over its connection limit has the extra connection closed right after it
 *     authenticates, while another principal's connections are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, makeMetadataRequest, type MetadataResponse } from '@tributary/kafka-protocol';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SERVER_JVM_ARGS,
  ensureJavaTools,
  parseProducerPerfOutput,
  runJavaMain,
} from '@tributary/testing';
import { RawClient } from './support/raw-client.js';
import { saslAuthenticate } from './support/sasl-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, MiB, UsageMeter, admin, putLimits } from './support/usage-meter.js';

const SECRET_A = 'c2VjcmV0LWZvci1rZXktYS0wMTIzNDU2';
const SECRET_B = 'c2VjcmV0LWZvci1rZXktYi0wMTIzNDU2';
let tb: TestBroker;
let saslPort: number;

beforeAll(async () => {
  await ensureJavaTools();
  tb = await startTestBroker({}, undefined, 0, {
    adminToken: ADMIN_TOKEN,
    extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'],
  });
  saslPort = tb.listenerPort('SASL_PLAINTEXT');
  for (const [id, secret] of [
    ['key-a', SECRET_A],
    ['key-b', SECRET_B],
  ]) {
    const r = await admin(tb, 'PUT', `/v1/credentials/${id}`, { secret });
    expect(r.status).toBe(201);
  }
  for (const name of ['principal-a', 'principal-b'])
    await tb.broker.context.topics.create(name, 2, new Map());
}, 300_000);

afterAll(async () => {
  await tb?.stop();
});

/**
 * ProducerPerformance with a SASL PLAIN login. The JAAS line holds '=' signs, which
 * --command-property cannot carry, so the client settings go in a --command-config file.
 */
async function producePerf(topic: string, id: string, secret: string, records: number) {
  const file = join(tb.dataDir, `${id}.properties`);
  await writeFile(
    file,
    [
      'security.protocol=SASL_PLAINTEXT',
      'sasl.mechanism=PLAIN',
      `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${id}" password="${secret}";`,
      'client.id=same-app',
      'linger.ms=5',
      'acks=1',
    ].join('\n'),
  );
  const result = await runJavaMain(
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--bootstrap-server',
      `127.0.0.1:${saslPort}`,
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      '1024',
      '--throughput',
      '-1',
      '--command-config',
      file,
    ],
    { timeoutMs: 90_000, jvmArgs: SERVER_JVM_ARGS },
  );
  return parseProducerPerfOutput(result.stdout.toString('utf8'));
}

async function login(id: string, secret: string): Promise<RawClient> {
  const c = await RawClient.connect(saslPort);
  try {
    const { response } = await saslAuthenticate(c, 'PLAIN', id, secret);
    expect(response?.errorCode).toBe(0);
  } catch {
    // The broker may close the connection instead of answering (a refused principal).
  }
  return c;
}

async function works(c: RawClient): Promise<boolean> {
  const md = await c.call<MetadataResponse>(
    ApiKey.Metadata,
    12,
    makeMetadataRequest({ topics: [] }),
  );
  return md.brokers.length === 1;
}

describe('per-principal limits (SASL)', () => {
  it('gives each key its own produce quota, whatever its client id', async () => {
    const quotaA = 1 * MiB;
    const quotaB = 2 * MiB;
    await putLimits(tb, {
      quotas: [
        { entity: { user: 'key-a' }, produceBytesPerSecond: quotaA },
        { entity: { user: '<default>' }, produceBytesPerSecond: quotaB },
      ],
    });
    const meter = new UsageMeter(tb);
    const [ra, rb] = await Promise.all([
      producePerf('principal-a', 'key-a', SECRET_A, 20 * 1024),
      producePerf('principal-b', 'key-b', SECRET_B, 40 * 1024),
    ]);
    expect([ra.records, rb.records]).toEqual([20 * 1024, 40 * 1024]);
    meter.stop();
    const start =
      Math.max(
        meter.firstActivity('principal-a', 'bytesIn'),
        meter.firstActivity('principal-b', 'bytesIn'),
      ) + 3000;
    const end = start + 14_000;
    const a = meter.rate('principal-a', 'bytesIn', start, end);
    const b = meter.rate('principal-b', 'bytesIn', start, end);
    console.log(
      `per-principal produce quota: key-a ${(a / MiB).toFixed(3)} MiB/s (quota 1), key-b ${(b / MiB).toFixed(3)} MiB/s (<default> 2)`,
    );
    expect(a / quotaA).toBeGreaterThan(0.9);
    expect(a / quotaA).toBeLessThan(1.1);
    expect(b / quotaB).toBeGreaterThan(0.9);
    expect(b / quotaB).toBeLessThan(1.1);
  }, 120_000);

  it("closes a connection over its principal's limit right after authentication", async () => {
    await putLimits(tb, { quotas: [{ entity: { user: 'key-a' }, maxConnections: 2 }] });
    const a1 = await login('key-a', SECRET_A);
    const a2 = await login('key-a', SECRET_A);
    const b = await Promise.all([1, 2, 3].map(() => login('key-b', SECRET_B)));
    // Not authenticated yet: the third connection of key-a is accepted...
    const a3 = await login('key-a', SECRET_A);
    // ...and closed once SASL names its principal.
    await a3.waitClosed(2000);
    for (const c of [a1, a2, ...b]) expect(await works(c)).toBe(true);
    // A freed slot can be used again.
    a1.close();
    for (let i = 0; i < 50 && tb.broker.context.connections.countByPrincipal('User:key-a') > 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    const a4 = await login('key-a', SECRET_A);
    expect(await works(a4)).toBe(true);
    for (const c of [a2, a4, ...b]) c.close();
  });
});
