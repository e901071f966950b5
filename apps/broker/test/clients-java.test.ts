/**
 * The Apache Kafka Java client 4.x (kafka-clients from Maven Central) against the broker
 * process: AdminClient create/describe/delete, the idempotent producer (the Java default),
 * and a KafkaConsumer in a group that commits and resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consumeGroup,
  ensureJavaTools,
  expectedValue,
  javaAdmin,
  produceIdempotent,
  sha256Hex,
  startBroker,
  type BrokerProcess,
} from '@tributary/testing';

let broker: BrokerProcess;

beforeAll(async () => {
  await ensureJavaTools();
  broker = await startBroker({ args: ['--set', 'group.initial.rebalance.delay.ms=0'] });
}, 300_000);

afterAll(async () => {
  await broker?.dispose();
});

describe('Java client 4.x', () => {
  it('creates, describes and deletes topics with AdminClient', async () => {
    const admin = javaAdmin(broker.bootstrap);
    const created = await admin.createTopic('java-admin', {
      partitions: 3,
      configs: { 'retention.ms': '3600000' },
    });
    expect(created.created).toBe(true);
    const described = await admin.describeTopic('java-admin');
    expect(described.partitions).toHaveLength(3);
    const configs = await admin.describeConfigs('java-admin');
    expect(configs['retention.ms'].value).toBe('3600000');
    const cluster = await admin.describeCluster();
    expect(cluster.nodes).toHaveLength(1);
    expect(await admin.listTopics()).toContain('java-admin');
    await admin.deleteTopic('java-admin');
    expect(await admin.listTopics()).not.toContain('java-admin');
  }, 120_000);

  it('produces idempotently and consumes in a group with commits', async () => {
    const admin = javaAdmin(broker.bootstrap);
    await admin.createTopic('java-io', { partitions: 4 });
    const count = 5000;
    const produced = await produceIdempotent(broker.bootstrap, 'java-io', {
      count,
      valueSize: 512,
      compression: 'lz4',
      acks: 'all',
    });
    expect(produced.summary.acked).toBe(count);
    expect(produced.summary.errors).toBe(0);
    // Offsets per partition are dense: nothing was appended twice.
    const perPartition = new Map<number, number[]>();
    for (const r of produced.records) {
      const list = perPartition.get(r.partition) ?? [];
      list.push(r.offset);
      perPartition.set(r.partition, list);
    }
    for (const offsets of perPartition.values()) {
      expect([...offsets].sort((a, b) => a - b)).toEqual(offsets.map((_, i) => i));
    }

    const first = await consumeGroup(broker.bootstrap, 'java-io', {
      group: 'java-group',
      maxRecords: 3000,
      autoOffsetReset: 'earliest',
      valueFormat: 'sha256',
      quiet: false,
    });
    expect(first.summary.consumed).toBeGreaterThanOrEqual(3000);
    const second = await consumeGroup(broker.bootstrap, 'java-io', {
      group: 'java-group',
      maxRecords: count - first.summary.consumed,
      autoOffsetReset: 'earliest',
      valueFormat: 'sha256',
      consumeTimeoutMs: 30_000,
    });
    const all = [...first.records, ...second.records];
    const keys = new Set(all.map((r) => `${r.partition}:${r.offset}`));
    expect(keys.size).toBe(count);
    const byKey = new Map(produced.records.map((r) => [r.key, r.valueSha256]));
    for (const r of all) expect(r.valueSha256).toBe(byKey.get(r.key!));
    void expectedValue;
    void sha256Hex;
  }, 240_000);
});
