/**
 * The pool-wide produce ceiling: two Java producers without client quotas share the
 * cluster's produce rate, and together stay within 10% of it (usage counters, 12 s of steady
 * state); a ceiling is a pool property, so neither producer is starved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJavaTools, runProducerPerf } from '@tributary/testing';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, MiB, UsageMeter, putLimits } from './support/usage-meter.js';

let tb: TestBroker;

beforeAll(async () => {
  await ensureJavaTools();
  tb = await startTestBroker({}, undefined, 0, { adminToken: ADMIN_TOKEN });
  for (const name of ['pool-a', 'pool-b'])
    await tb.broker.context.topics.create(name, 1, new Map());
}, 300_000);

afterAll(async () => {
  await tb?.stop();
});

describe('cluster produce ceiling', () => {
  it('holds the sum of two producers within 10% of the pool rate', async () => {
    const ceiling = 2 * MiB;
    await putLimits(tb, { cluster: { produceBytesPerSecond: ceiling } });
    const meter = new UsageMeter(tb);
    const run = (topic: string, clientId: string) =>
      runProducerPerf({
        bootstrap: tb.bootstrap,
        topic,
        numRecords: 18 * 1024,
        recordSize: 1024,
        acks: '1',
        properties: { 'client.id': clientId, 'linger.ms': '5' },
        timeoutMs: 90_000,
      });
    await Promise.all([run('pool-a', 'pool-a'), run('pool-b', 'pool-b')]);
    meter.stop();
    const start =
      Math.max(meter.firstActivity('pool-a', 'bytesIn'), meter.firstActivity('pool-b', 'bytesIn')) +
      3000;
    const end = Math.min(
      start + 12_000,
      meter.lastActivity('pool-a', 'bytesIn'),
      meter.lastActivity('pool-b', 'bytesIn'),
    );
    const a = meter.rate('pool-a', 'bytesIn', start, end);
    const b = meter.rate('pool-b', 'bytesIn', start, end);
    console.log(
      `pool ceiling 2 MiB/s over ${((end - start) / 1000).toFixed(1)} s: a ${(a / MiB).toFixed(3)} + b ${(b / MiB).toFixed(3)} = ${((a + b) / MiB).toFixed(3)} MiB/s`,
    );
    expect(end - start).toBeGreaterThan(10_000);
    expect((a + b) / ceiling).toBeGreaterThan(0.9);
    expect((a + b) / ceiling).toBeLessThan(1.1);
    expect(Math.min(a, b)).toBeGreaterThan(0.25 * ceiling);
  }, 120_000);
});
