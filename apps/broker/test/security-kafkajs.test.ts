/**
 * kafkajs 2.2.4 with SCRAM-SHA-512 over SASL_SSL (and SASL_PLAINTEXT): produce, consume
 * through a consumer group; a wrong secret and an unknown key are refused with kafkajs's
 * SASL authentication error; deleting the key closes the producer's open connections within
 * a second (measured) and it cannot reconnect, while another key's client keeps working.
 */
import { readFile } from 'node:fs/promises';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { createTempDir, createTestPki, type TempDir } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const SECRET = 'kafkajs-secret-0123456789';
let tb: TestBroker;
let tmp: TempDir;
let ca: string;

beforeAll(async () => {
  tmp = await createTempDir('kafkajs-sasl-');
  const pki = await createTestPki(tmp.path);
  const server = await pki.issue('broker');
  ca = await readFile(pki.caFile, 'utf8');
  tb = await startTestBroker(
    {
      'ssl.keystore.location': server.keystore,
      'connection.failed.authentication.delay.ms': '100',
    },
    undefined,
    0,
    {
      extraArgs: ['--listen', 'SASL_SSL://127.0.0.1:0', '--listen', 'SASL_PLAINTEXT://127.0.0.1:0'],
    },
  );
  for (const id of ['js-app', 'js-other', 'js-doomed']) {
    await tb.broker.context.credentials.upsert(id, {
      secret: SECRET,
      expiresAt: null,
      principal: null,
    });
  }
}, 60_000);

afterAll(async () => {
  await tb?.stop();
  await tmp?.remove();
});

function kafka(
  listener: 'SASL_SSL' | 'SASL_PLAINTEXT',
  username: string,
  password = SECRET,
  more: Partial<KafkaConfig> = {},
): Kafka {
  const sasl: SASLOptions = { mechanism: 'scram-sha-512', username, password };
  return new Kafka({
    clientId: `kafkajs-${username}`,
    brokers: [`127.0.0.1:${tb.listenerPort(listener)}`],
    ssl: listener === 'SASL_SSL' ? { ca: [ca] } : false,
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
    ...more,
  });
}

async function roundTrip(k: Kafka, topic: string, count: number): Promise<string[]> {
  const producer = k.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  });
  await producer.disconnect();
  const consumer = k.consumer({ groupId: `${topic}-group`, sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${seen.length}/${count}`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length === count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe('kafkajs SCRAM-SHA-512', () => {
  it('produces and consumes through a group over SASL_SSL', async () => {
    const seen = await roundTrip(kafka('SASL_SSL', 'js-app'), 'kafkajs-scram-ssl', 50);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
  });

  it('produces and consumes over SASL_PLAINTEXT', async () => {
    const seen = await roundTrip(kafka('SASL_PLAINTEXT', 'js-app'), 'kafkajs-scram-plain', 10);
    expect(seen).toHaveLength(10);
  });

  it('refuses a wrong secret and an unknown key', async () => {
    for (const [user, password] of [
      ['js-app', `${SECRET}-wrong`],
      ['js-nobody', SECRET],
    ]) {
      const admin = kafka('SASL_SSL', user, password, { retry: { retries: 0 } }).admin();
      const error = await admin.connect().catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('KafkaJSSASLAuthenticationError');
      expect((error as Error).message).toContain('Invalid username or password');
    }
  });

  it('closes a deleted key’s open connections within a second; other keys keep working', async () => {
    const doomed = kafka('SASL_SSL', 'js-doomed', SECRET, { retry: { retries: 0 } }).producer();
    const other = kafka('SASL_SSL', 'js-other').producer();
    await doomed.connect();
    await other.connect();
    await doomed.send({ topic: 'kafkajs-doomed', messages: [{ value: 'before' }] });
    const registry = tb.broker.context.connections;
    expect(registry.countByPrincipal('User:js-doomed')).toBeGreaterThan(0);

    const started = performance.now();
    await tb.broker.context.credentials.delete('js-doomed');
    while (registry.countByPrincipal('User:js-doomed') > 0 && performance.now() - started < 1000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const closedMs = performance.now() - started;
    expect(registry.countByPrincipal('User:js-doomed')).toBe(0);
    expect(closedMs).toBeLessThan(1000);
    console.log(`kafkajs: deleted key's connections closed ${closedMs.toFixed(1)} ms after delete`);

    await expect(
      doomed.send({ topic: 'kafkajs-doomed', messages: [{ value: 'after' }] }),
    ).rejects.toThrow();
    await other.send({ topic: 'kafkajs-doomed', messages: [{ value: 'still fine' }] });
    await other.disconnect();
    await doomed.disconnect().catch(() => undefined);
  });
});
