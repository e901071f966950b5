/**
 * Fetch byte-rate quotas with the Java client (Kafka's ConsumerPerformance): two consumers
 * with their own client-id quotas read at the same time from one pool, each held within 10%
 * of its own quota, measured with the broker's usage counters (record bytes handed out) over
 * 15 s of steady state. The topics are filled first, unthrottled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJavaTools, runConsumerPerf, runProducerPerf } from '@tributary/testing';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, MiB, UsageMeter, putLimits } from './support/usage-meter.js';

let tb: TestBroker;
const SLOW_RECORDS = 22 * 1024;
const FAST_RECORDS = 44 * 1024;

beforeAll(async () => {
  await ensureJavaTools();
  tb = await startTestBroker({}, undefined, 0, { adminToken: ADMIN_TOKEN });
  const fill = async (topic: string, records: number): Promise<void> => {
    await tb.broker.context.topics.create(topic, 2, new Map());
    const r = await runProducerPerf({
      bootstrap: tb.bootstrap,
      topic,
      numRecords: records,
      recordSize: 1024,
      acks: '1',
      properties: { 'linger.ms': '5', 'batch.size': '65536' },
      timeoutMs: 90_000,
    });
    expect(r.records).toBe(records);
  };
  await Promise.all([fill('fetch-slow', SLOW_RECORDS), fill('fetch-fast', FAST_RECORDS)]);
}, 300_000);

afterAll(async () => {
  await tb?.stop();
});

describe('fetch byte-rate quota', () => {
  it('holds each client id within 10% of its own quota while both consume', async () => {
    const slow = 1 * MiB;
    const fast = 2 * MiB;
    await putLimits(tb, {
      quotas: [
        { entity: { clientId: 'cons-slow' }, fetchBytesPerSecond: slow },
        { entity: { clientId: 'cons-fast' }, fetchBytesPerSecond: fast },
      ],
    });
    const meter = new UsageMeter(tb);
    const run = (topic: string, clientId: string, records: number) =>
      runConsumerPerf({
        bootstrap: tb.bootstrap,
        topic,
        numRecords: records,
        group: `group-${clientId}`,
        properties: { 'client.id': clientId, 'auto.offset.reset': 'earliest' },
        timeoutMs: 90_000,
      });
    const [a, b] = await Promise.all([
      run('fetch-slow', 'cons-slow', SLOW_RECORDS),
      run('fetch-fast', 'cons-fast', FAST_RECORDS),
    ]);
    meter.stop();
    const start =
      Math.max(
        meter.firstActivity('fetch-slow', 'bytesOut'),
        meter.firstActivity('fetch-fast', 'bytesOut'),
      ) + 3000;
    const end = start + 15_000;
    const slowRate = meter.rate('fetch-slow', 'bytesOut', start, end);
    const fastRate = meter.rate('fetch-fast', 'bytesOut', start, end);
    console.log(
      `fetch quota: slow ${(slowRate / MiB).toFixed(3)} MiB/s (quota 1), fast ${(fastRate / MiB).toFixed(3)} MiB/s (quota 2); ` +
        `ConsumerPerformance ${a.mbPerSec} / ${b.mbPerSec} MB/s\n` +
        `  slow per second: ${meter.profile('fetch-slow', 'bytesOut', start, end)}\n` +
        `  fast per second: ${meter.profile('fetch-fast', 'bytesOut', start, end)}`,
    );
    expect(slowRate / slow).toBeGreaterThan(0.9);
    expect(slowRate / slow).toBeLessThan(1.1);
    expect(fastRate / fast).toBeGreaterThan(0.9);
    expect(fastRate / fast).toBeLessThan(1.1);
    expect(a.records).toBe(SLOW_RECORDS);
    expect(b.records).toBe(FAST_RECORDS);
  }, 120_000);
});
