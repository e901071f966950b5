/**
 * librdkafka (Debian's kcat) against the broker process: 100k messages per compression
 * codec produced and consumed back byte-identical, with keys, at the offsets kcat reports.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTempDir,
  kcatConsume,
  kcatProduceFile,
  startBroker,
  type BrokerProcess,
  type KcatCompression,
  type TempDir,
} from '@tributary/testing';

const COUNT = 100_000;
let broker: BrokerProcess;
let tmp: TempDir;
let file: string;
let expected: Array<{ key: string; value: string }>;

beforeAll(async () => {
  broker = await startBroker({ args: ['--set', 'num.partitions=3'] });
  tmp = await createTempDir('kcat-');
  // Printable payloads of varying length (kcat's -l splits on newlines, keys on tabs).
  const seed = randomBytes(COUNT * 2);
  expected = Array.from({ length: COUNT }, (_, i) => ({
    key: `key-${i % 997}`,
    value: `${i}:${seed.toString('base64', i, i + 1 + (seed[i] % 48))}`,
  }));
  file = join(tmp.path, 'messages.txt');
  await writeFile(file, expected.map((m) => `${m.key}\t${m.value}`).join('\n') + '\n');
}, 60_000);

afterAll(async () => {
  await broker?.dispose();
  await tmp?.remove();
});

describe('kcat (librdkafka 2.0)', () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as KcatCompression[]) {
    it(`round-trips ${COUNT} messages with ${codec}`, async () => {
      const topic = `kcat-${codec}`;
      await kcatProduceFile(
        {
          bootstrap: broker.bootstrap,
          topic,
          compression: codec,
          keyDelimiter: '\\t',
          properties: { 'enable.idempotence': codec === 'zstd' ? 'true' : 'false' },
          timeoutMs: 120_000,
        },
        file,
      );
      const got = await kcatConsume({ bootstrap: broker.bootstrap, topic, timeoutMs: 120_000 });
      expect(got).toHaveLength(COUNT);
      // Per partition, offsets are dense from 0 and records keep their produce order.
      const byPartition = new Map<number, typeof got>();
      for (const r of got) {
        const list = byPartition.get(r.partition) ?? [];
        list.push(r);
        byPartition.set(r.partition, list);
      }
      for (const list of byPartition.values()) list.forEach((r, i) => expect(r.offset).toBe(i));
      const seen = new Map(got.map((r) => [r.value!.toString(), r.key!.toString()]));
      for (const m of expected) expect(seen.get(m.value)).toBe(m.key);
    }, 180_000);
  }
});
