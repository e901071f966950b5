/**
 * Produce byte-rate quotas with the Java client (Kafka's ProducerPerformance, which honours
 * throttle_time_ms): two producers with their own client-id quotas run at the same time on
 * one pool, each held within 10% of its own quota, measured with the broker's usage counters
 * (record-batch bytes, the unit the quota counts) over 15 s of steady state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJavaTools, runProducerPerf } from '@tributary/testing';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, MiB, UsageMeter, putLimits } from './support/usage-meter.js';

let tb: TestBroker;

beforeAll(async () => {
  await ensureJavaTools();
  tb = await startTestBroker({}, undefined, 0, { adminToken: ADMIN_TOKEN });
  for (const name of ['quota-slow', 'quota-fast'])
    await tb.broker.context.topics.create(name, 2, new Map());
}, 300_000);

afterAll(async () => {
  await tb?.stop();
});

describe('produce byte-rate quota', () => {
  it('holds each client id within 10% of its own quota while both produce', async () => {
    const slow = 1 * MiB;
    const fast = 2 * MiB;
    await putLimits(tb, {
      quotas: [
        { entity: { clientId: 'perf-slow' }, produceBytesPerSecond: slow },
        { entity: { clientId: 'perf-fast' }, produceBytesPerSecond: fast },
      ],
    });
    const meter = new UsageMeter(tb);
    // ~22 s each at their quota (1 KiB records).
    const run = (topic: string, clientId: string, records: number) =>
      runProducerPerf({
        bootstrap: tb.bootstrap,
        topic,
        numRecords: records,
        recordSize: 1024,
        throughput: -1,
        acks: '1',
        properties: { 'client.id': clientId, 'linger.ms': '5' },
        timeoutMs: 90_000,
      });
    const [a, b] = await Promise.all([
      run('quota-slow', 'perf-slow', 22 * 1024),
      run('quota-fast', 'perf-fast', 44 * 1024),
    ]);
    meter.stop();
    const start =
      Math.max(
        meter.firstActivity('quota-slow', 'bytesIn'),
        meter.firstActivity('quota-fast', 'bytesIn'),
      ) + 3000;
    const end = start + 15_000;
    const slowRate = meter.rate('quota-slow', 'bytesIn', start, end);
    const fastRate = meter.rate('quota-fast', 'bytesIn', start, end);
    console.log(
      `produce quota: slow ${(slowRate / MiB).toFixed(3)} MiB/s (quota 1), fast ${(fastRate / MiB).toFixed(3)} MiB/s (quota 2); ` +
        `ProducerPerformance payload ${a.mbPerSec} / ${b.mbPerSec} MB/s\n` +
        `  slow per second: ${meter.profile('quota-slow', 'bytesIn', start, end)}\n` +
        `  fast per second: ${meter.profile('quota-fast', 'bytesIn', start, end)}`,
    );
    expect(slowRate / slow).toBeGreaterThan(0.9);
    expect(slowRate / slow).toBeLessThan(1.1);
    expect(fastRate / fast).toBeGreaterThan(0.9);
    expect(fastRate / fast).toBeLessThan(1.1);
    // Every record arrived: throttling delays, it never drops.
    expect(a.records).toBe(22 * 1024);
    expect(b.records).toBe(44 * 1024);
  }, 120_000);
});
