/**
 * KIP-956's quotas on a real broker process with real S3 (s3rver): a backlog of closed
 * segments is copied no faster than remote.log.manager.copy.max.bytes.per.second on average
 * (after one second's allowance) and every segment arrives; a consumer catching up from S3
 * reads no faster than remote.log.manager.fetch.max.bytes.per.second and gets every record.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { kcatConsume } from '@tributary/testing';
import { ConfigResourceTypes } from 'kafkajs';
import { BUCKET, EARLIEST_LOCAL, listOffset, waitFor } from './support/tiered.js';
import { useTieredBroker } from './support/tiered-broker.js';

const QUOTA = 192 * 1024; // copy, bytes per second
const FETCH_QUOTA = 384 * 1024;
const TOPIC = 'throttled';

const t = useTieredBroker([
  '--set',
  `remote.log.manager.copy.max.bytes.per.second=${QUOTA}`,
  '--set',
  `remote.log.manager.fetch.max.bytes.per.second=${FETCH_QUOTA}`,
]);

/** Bytes of the copied segment logs (.log objects) in S3. */
async function copiedLogBytes(): Promise<{ segments: number; bytes: number }> {
  const client = new S3Client(t.s3.clientConfig());
  try {
    const r = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'clusters/lkc-test/topics/' }),
    );
    const logs = (r.Contents ?? []).filter((o) => o.Key!.endsWith('.log'));
    return { segments: logs.length, bytes: logs.reduce((n, o) => n + (o.Size ?? 0), 0) };
  } finally {
    client.destroy();
  }
}

describe('KIP-956 copy and fetch quotas', () => {
  it('copies a backlog no faster than the quota, and all of it', async () => {
    const kafka = t.kafka('copy-quota');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: TOPIC, configEntries: [{ name: 'remote.storage.enable', value: 'true' }] }],
    });
    await admin.disconnect();
    // ~1.5 MiB in ~40 KiB segments (64 KiB segment.bytes, 40 KB batches): ~38 closed segments.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = Buffer.alloc(4000, 3);
    for (let i = 0; i < 40; i++)
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: 10 }, () => ({ value })),
      });
    await producer.disconnect();
    const t0 = Date.now();
    const samples: { at: number; bytes: number }[] = [];
    await waitFor(
      'the closed segments in S3',
      async () => {
        const c = await copiedLogBytes();
        samples.push({ at: Date.now() - t0, bytes: c.bytes });
        return c.segments >= 36;
      },
      60_000,
    );
    // From the first copy seen to the last: beyond one second's allowance, at most the quota.
    const first = samples.find((x) => x.bytes > 0)!;
    const last = samples[samples.length - 1];
    const seconds = (last.at - first.at) / 1000;
    const bytes = last.bytes - first.bytes;
    console.log(
      `copy quota ${QUOTA} B/s: ${bytes} bytes copied in ${seconds.toFixed(2)} s after the first ` +
        `copy (${Math.round(bytes / seconds)} B/s; ${last.bytes} bytes in all)`,
    );
    expect(bytes).toBeGreaterThan(6 * QUOTA);
    expect(bytes - QUOTA).toBeLessThanOrEqual(QUOTA * 1.1 * seconds);
    // Copies kept arriving while throttled (not one burst at the end).
    expect(new Set(samples.map((x) => x.bytes)).size).toBeGreaterThan(5);
  }, 90_000);

  it('serves a catch-up read from S3 no faster than the fetch quota, and all of it', async () => {
    const admin = t.kafka('fetch-quota').admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: TOPIC,
          configEntries: [
            { name: 'remote.storage.enable', value: 'true' },
            { name: 'local.retention.bytes', value: '0' },
          ],
        },
      ],
    });
    await admin.disconnect();
    const localStart = await waitFor('local copies gone', async () => {
      const start = await listOffset(t.broker.port, TOPIC, EARLIEST_LOCAL);
      return start >= 350 && start;
    });
    const t0 = Date.now();
    const got = await kcatConsume({
      bootstrap: t.broker.bootstrap,
      topic: TOPIC,
      count: localStart,
      exitAtEnd: false,
      timeoutMs: 60_000,
    });
    const seconds = (Date.now() - t0) / 1000;
    const bytes = got.reduce((n, r) => n + (r.value?.length ?? 0), 0);
    console.log(
      `fetch quota ${FETCH_QUOTA} B/s: ${got.length} records, ${bytes} value bytes from S3 in ${seconds.toFixed(2)} s ` +
        `(${Math.round(bytes / seconds)} B/s)`,
    );
    expect(got.map((r) => r.offset)).toEqual(Array.from({ length: localStart }, (_, i) => i));
    // Beyond one second's allowance, no faster than the quota (values are most of the bytes).
    expect(bytes - FETCH_QUOTA).toBeLessThanOrEqual(FETCH_QUOTA * 1.1 * seconds);
    expect(bytes).toBeGreaterThan(3 * FETCH_QUOTA);
  }, 90_000);
});
