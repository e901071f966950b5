/**
 * Proves the harness against real Apache Kafka: the reference broker, the Java drivers, kcat
 * with every codec, the perf tools and the log-segment oracle. Slow (JVMs) and needs java/mvn:
 * runs only with TRIBUTARY_REFERENCE_TESTS=1 (npm run test:reference -w @tributary/testing).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJavaTools } from './java.js';
import { javaAdmin } from './java-admin.js';
import { consumeGroup } from './java-consumer.js';
import { expectedValue, produceIdempotent, sha256Hex } from './java-producer.js';
import { runConsumerPerf, runProducerPerf } from './kafka-perf.js';
import type { KcatCompression, KcatMessage } from './kcat.js';
import { kcatConsume, kcatMetadata, kcatProduce, kcatProduceFile } from './kcat.js';
import { dumpLogSegment } from './log-dump.js';
import type { ReferenceKafka } from './reference-kafka.js';
import { startReferenceKafka } from './reference-kafka.js';
import { createTempDir } from './temp-dir.js';

const enabled = process.env.TRIBUTARY_REFERENCE_TESTS === '1';
const SLOW = 180_000;

describe.runIf(enabled)('harness against Apache Kafka (reference broker)', () => {
  let kafka: ReferenceKafka;

  beforeAll(async () => {
    await ensureJavaTools();
    kafka = await startReferenceKafka();
  }, 600_000);
  afterAll(async () => {
    await kafka?.stop();
  }, 60_000);

  it('reports cluster, version and memory', async () => {
    const cluster = await javaAdmin(kafka.bootstrap).describeCluster();
    expect(cluster.clusterId).toBe(kafka.clusterId);
    expect(cluster.nodes).toEqual([{ id: 1, host: '127.0.0.1', port: kafka.port, rack: null }]);
    expect(kafka.kafkaVersion).toMatch(/^4\.\d+\.\d+$/);
    expect(kafka.peakRssBytes()).toBeGreaterThan(100 * 1024 * 1024);
  });

  it(
    'AdminOps creates, describes, lists and deletes topics',
    async () => {
      const admin = javaAdmin(kafka.bootstrap);
      const created = await admin.createTopic('admin-t', {
        partitions: 3,
        configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' },
      });
      expect(created.created).toBe(true);
      expect(created.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
        [0, 1, [1], [1]],
        [1, 1, [1], [1]],
        [2, 1, [1], [1]],
      ]);
      const described = await admin.describeTopic('admin-t');
      expect(described.topicId).toBe(created.topicId);
      expect(described.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);

      const configs = await admin.describeConfigs('admin-t');
      expect(configs['retention.ms']).toMatchObject({
        value: '3600000',
        source: 'DYNAMIC_TOPIC_CONFIG',
      });
      expect(configs['cleanup.policy'].value).toBe('compact');
      expect(configs['segment.bytes']).toMatchObject({ source: 'DEFAULT_CONFIG', isDefault: true });

      const many = await admin.createTopics(['admin-a', 'admin-b'], { partitions: 2 });
      expect(many.map((t) => [t.name, t.partitions.length, t.created])).toEqual([
        ['admin-a', 2, true],
        ['admin-b', 2, true],
      ]);
      expect(await admin.listTopics()).toEqual(
        expect.arrayContaining(['admin-t', 'admin-a', 'admin-b']),
      );
      expect((await admin.createTopic('admin-t', { ifNotExists: true })).created).toBe(false);
      await expect(admin.createTopic('admin-t')).rejects.toThrow(/TopicExistsException/);

      await admin.deleteTopic('admin-t');
      expect(await admin.listTopics()).not.toContain('admin-t');
      await expect(admin.describeTopic('admin-t')).rejects.toThrow(/UnknownTopicOrPartition/);
    },
    SLOW,
  );

  it(
    'IdempotentProducer writes 1000 records that GroupConsumer reads back and commits',
    async () => {
      const topic = 'idem-t';
      await javaAdmin(kafka.bootstrap).createTopic(topic, { partitions: 3 });
      const { records: sent, summary } = await produceIdempotent(kafka.bootstrap, topic, {
        count: 1000,
        valueSize: 200,
      });
      expect(summary).toMatchObject({ sent: 1000, acked: 1000, errors: 0, firstError: null });
      expect(sent).toHaveLength(1000);
      // Offsets are dense per partition: no duplicates, no gaps.
      for (const p of [0, 1, 2]) {
        const offsets = sent.filter((r) => r.partition === p).map((r) => r.offset);
        expect(offsets.sort((a, b) => a - b)).toEqual(offsets.map((_, i) => i));
      }
      for (const r of sent) {
        const i = Number(r.key.slice('key-'.length));
        expect(r.valueSha256).toBe(sha256Hex(expectedValue(i, 200)));
      }

      const { records: got, summary: cs } = await consumeGroup(kafka.bootstrap, topic, {
        group: 'idem-g',
        maxRecords: 1000,
        consumeTimeoutMs: 60_000,
      });
      const view = (r: {
        partition: number;
        offset: number;
        key: string | null;
        valueSha256?: string | null;
      }) => `${r.partition}/${r.offset}/${r.key}/${r.valueSha256}`;
      expect(got.map(view).sort()).toEqual(sent.map(view).sort());
      const ends: Record<string, number> = {};
      for (const r of sent) ends[r.partition] = Math.max(ends[r.partition] ?? 0, r.offset + 1);
      expect(cs.committed).toEqual(ends);

      // The same group resumes from its commits: nothing left to read.
      const again = await consumeGroup(kafka.bootstrap, topic, {
        group: 'idem-g',
        maxRecords: 1,
        consumeTimeoutMs: 5000,
        allowPartial: true,
      });
      expect(again.summary).toMatchObject({ consumed: 0, timedOut: true, committed: ends });

      // The batches on disk carry a producer id, as idempotent batches must.
      const batches = await dumpLogSegment(segmentFile(kafka, topic, 0));
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.every((b) => b.producerId >= 0 && b.baseSequence >= 0 && b.isValid)).toBe(
        true,
      );
    },
    SLOW,
  );

  it(
    'GroupConsumer fails (exit 2) when it cannot get --max-records in time',
    async () => {
      await expect(
        consumeGroup(kafka.bootstrap, 'idem-t', {
          group: 'late-g',
          autoOffsetReset: 'latest',
          maxRecords: 1,
          consumeTimeoutMs: 3000,
        }),
      ).rejects.toThrow(/exited with 2[\s\S]*timed out after 3000 ms with 0 of 1 records/);
    },
    SLOW,
  );

  describe('kcat round-trips 10k messages byte-identical with each codec', () => {
    const codecs: KcatCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
    for (const codec of codecs) {
      it(
        codec,
        async () => {
          const topic = `kcat-${codec}`;
          // Compressible (so librdkafka keeps the codec) yet binary: newlines, tabs, NUL, 0xff.
          const messages: KcatMessage[] = Array.from({ length: 10_000 }, (_, i) => ({
            key: `k${i}\t${codec}`,
            value: Buffer.concat([
              Buffer.from(`v${i}\n`.repeat(8)),
              Buffer.from([0, 9, 10, 13, 255]),
              randomBytes(i % 17),
            ]),
          }));
          await kcatProduce(
            { bootstrap: kafka.bootstrap, topic, compression: codec, partition: 0 },
            messages,
          );
          const got = await kcatConsume({ bootstrap: kafka.bootstrap, topic, count: 10_000 });
          expect(got).toHaveLength(10_000);
          got.forEach((r, i) => {
            expect(r.offset).toBe(i);
            expect(r.key?.equals(Buffer.from(messages[i].key as string))).toBe(true);
            expect(r.value?.equals(messages[i].value as Buffer)).toBe(true);
          });
          // Kafka's own reader sees the codec on disk (the topic keeps the producer's codec).
          const batches = await dumpLogSegment(segmentFile(kafka, topic, 0));
          expect(batches.every((b) => b.isValid)).toBe(true);
          expect(batches.map((b) => b.compressCodec)).toContain(codec);
          expect(batches.reduce((n, b) => n + b.count, 0)).toBe(10_000);
        },
        SLOW,
      );
    }

    it(
      'from a file, with a key delimiter',
      async () => {
        const dir = await createTempDir('tributary-kcat-file-');
        try {
          const file = join(dir.path, 'messages.txt');
          await writeFile(file, 'k1\tv1\nk2\tv2\n');
          await kcatProduceFile(
            {
              bootstrap: kafka.bootstrap,
              topic: 'kcat-file',
              keyDelimiter: '\\t',
              compression: 'lz4',
            },
            file,
          );
          const got = await kcatConsume({ bootstrap: kafka.bootstrap, topic: 'kcat-file' });
          expect(got.map((r) => `${r.key?.toString()}=${r.value?.toString()}@${r.offset}`)).toEqual(
            ['k1=v1@0', 'k2=v2@1'],
          );
        } finally {
          await dir.remove();
        }
      },
      SLOW,
    );

    it(
      'NULL keys and values (tombstones) and metadata',
      async () => {
        const topic = 'kcat-null';
        await kcatProduce({ bootstrap: kafka.bootstrap, topic }, [
          { key: 'a', value: 'x' },
          { key: 'a', value: null },
          { key: null, value: 'y' },
        ]);
        const got = await kcatConsume({ bootstrap: kafka.bootstrap, topic });
        expect(got.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual([
          ['a', 'x'],
          ['a', null],
          [null, 'y'],
        ]);
        const md = await kcatMetadata({ bootstrap: kafka.bootstrap, topic });
        expect(md.brokers).toEqual([{ id: 1, name: kafka.bootstrap }]);
        expect(md.topics).toEqual([
          { topic, partitions: [{ partition: 0, leader: 1, replicas: [1], isrs: [1] }] },
        ]);
      },
      SLOW,
    );
  });

  it(
    'Kafka perf tools produce and consume',
    async () => {
      const produced = await runProducerPerf({
        bootstrap: kafka.bootstrap,
        topic: 'perf-t',
        numRecords: 20_000,
        recordSize: 1024,
        acks: 'all',
      });
      expect(produced.records).toBe(20_000);
      expect(produced.mbPerSec).toBeGreaterThan(0);
      expect(produced.p99Ms).toBeGreaterThanOrEqual(produced.p50Ms);
      const consumed = await runConsumerPerf({
        bootstrap: kafka.bootstrap,
        topic: 'perf-t',
        numRecords: 20_000,
      });
      expect(consumed.records).toBe(20_000);
      expect(consumed.dataMb).toBeCloseTo(20_000 / 1024, 1);
    },
    SLOW,
  );
});

describe.runIf(enabled)('reference broker on a given data dir', () => {
  it('keeps data across stop/start and applies fsync-per-message', async () => {
    const dir = await createTempDir('tributary-kafka-restart-');
    try {
      let kafka = await startReferenceKafka({ dataDir: dir.path, fsyncEveryMessage: true });
      const first = kafka.clusterId;
      await produceIdempotent(kafka.bootstrap, 'durable', { count: 100, quiet: true });
      const configs = await javaAdmin(kafka.bootstrap).describeConfigs('durable');
      expect(configs['flush.messages']).toMatchObject({
        value: '1',
        source: 'STATIC_BROKER_CONFIG',
      });
      await kafka.kill();

      kafka = await startReferenceKafka({ dataDir: dir.path });
      try {
        expect(kafka.clusterId).toBe(first);
        const { summary } = await consumeGroup(kafka.bootstrap, 'durable', {
          group: 'g',
          maxRecords: 100,
          quiet: true,
          consumeTimeoutMs: 60_000,
        });
        expect(summary.consumed).toBe(100);
      } finally {
        await kafka.stop();
      }
    } finally {
      await dir.remove();
    }
  }, 300_000);
});

function segmentFile(kafka: ReferenceKafka, topic: string, partition: number): string {
  return join(kafka.dataDir, 'kafka-logs', `${topic}-${partition}`, '00000000000000000000.log');
}
