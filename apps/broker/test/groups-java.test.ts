/**
 * The Java client (Kafka 4.4.0, classic group protocol, through tools/java's GroupConsumer)
 * against the group coordinator: three members share a six-partition topic and consume every
 * record once with synchronous commits; a later member starts from the committed offsets;
 * a static member (group.instance.id) that restarts takes its place without a rebalance.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  consumeGroup,
  createTempDir,
  ensureJavaTools,
  produceIdempotent,
  type ConsumedRecord,
} from '@tributary/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOPIC = 'java-orders';
const PARTITIONS = 6;
let tb: TestBroker;

const FAST_GROUP = {
  'session.timeout.ms': '6000',
  'heartbeat.interval.ms': '500',
  'fetch.max.wait.ms': '100',
};

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function committedOffsets(group: string): Promise<Map<number, number>> {
  const kafka = new Kafka({
    clientId: 'java-it-admin',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
    return new Map(t.partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  await ensureJavaTools();
  tb = await startTestBroker({
    'num.partitions': String(PARTITIONS),
    'group.min.session.timeout.ms': '1000',
  });
  const kafka = new Kafka({
    clientId: 'java-it-admin',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();
}, 600_000);

afterAll(async () => {
  await tb?.stop();
});

describe('Java consumer group (classic protocol)', () => {
  it(
    'three members consume every record, committing as they go',
    { timeout: 180_000 },
    async () => {
      // The members run until the group has committed every record (then a stop file ends
      // them), however slowly a loaded machine starts four JVMs.
      const stopDir = await createTempDir('java-group-stop-');
      const stopFile = join(stopDir.path, 'stop');
      const running = Promise.all(
        [1, 2, 3].map(() =>
          consumeGroup(tb.bootstrap, TOPIC, {
            group: 'java-g',
            consumeTimeoutMs: 90_000,
            stopFile,
            allowPartial: true,
            valueFormat: 'none',
            properties: FAST_GROUP,
          }),
        ),
      );
      // Produce once all three are in, so every member gets partitions with records.
      const group = () => tb.broker.context.groups.group('java-g');
      await waitFor(
        'a stable group of three',
        () => group()?.state === 'Stable' && group()?.size === 3,
      );
      const { summary } = await produceIdempotent(tb.bootstrap, TOPIC, {
        count: 600,
        valueSize: 50,
        quiet: true,
      });
      expect(summary).toMatchObject({ acked: 600, errors: 0 });
      const total = async () =>
        [...(await committedOffsets('java-g')).values()].reduce((a, b) => a + b, 0);
      const deadline = Date.now() + 80_000;
      while ((await total()) < 600 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      await writeFile(stopFile, '');
      const runs = await running;
      await stopDir.remove();
      const all: ConsumedRecord[] = runs.flatMap((r) => r.records);
      const distinct = new Set(all.map((r) => `${r.partition}/${r.offset}`));
      expect(distinct.size).toBe(600);
      // Synchronous commits after every poll: a partition changing hands is re-read at most
      // from its last commit, so duplicates stay few.
      expect(all.length - distinct.size).toBeLessThan(600);
      expect(runs.filter((r) => r.summary.consumed > 0)).toHaveLength(3);
      const committed = await committedOffsets('java-g');
      expect([...committed.values()].reduce((a, b) => a + b, 0)).toBe(600);
    },
  );

  it('a new member of the group starts from the committed offsets', async () => {
    const { summary } = await consumeGroup(tb.bootstrap, TOPIC, {
      group: 'java-g',
      consumeTimeoutMs: 4_000,
      maxRecords: 1,
      allowPartial: true,
      valueFormat: 'none',
      properties: FAST_GROUP,
    });
    expect(summary.consumed).toBe(0);
  });

  it('a restarted static member rejoins without a rebalance and resumes where it committed', async () => {
    const staticProps = {
      ...FAST_GROUP,
      'group.instance.id': 'java-static-1',
      'session.timeout.ms': '30000',
    };
    const first = await consumeGroup(tb.bootstrap, TOPIC, {
      group: 'java-static',
      maxRecords: 600,
      consumeTimeoutMs: 20_000,
      valueFormat: 'none',
      quiet: true,
      properties: staticProps,
    });
    expect(first.summary.consumed).toBe(600);
    // A static member does not leave the group on close: it stays, Stable, until its session ends.
    const group = tb.broker.context.groups.group('java-static')!;
    expect(group.state).toBe('Stable');
    const generation = group.generationId;
    expect(group.staticMemberId('java-static-1')).toBeDefined();

    const before = await committedOffsets('java-static');
    expect([...before.values()].reduce((a, b) => a + b, 0)).toBe(600);
    await produceIdempotent(tb.bootstrap, TOPIC, { count: 60, quiet: true });
    const second = await consumeGroup(tb.bootstrap, TOPIC, {
      group: 'java-static',
      maxRecords: 60,
      consumeTimeoutMs: 20_000,
      valueFormat: 'none',
      properties: staticProps,
    });
    expect(second.summary.consumed).toBe(60);
    expect(second.records.every((r) => r.offset >= before.get(r.partition)!)).toBe(true);
    expect(tb.broker.context.groups.group('java-static')).toMatchObject({
      state: 'Stable',
      generationId: generation,
    });
  });
});
