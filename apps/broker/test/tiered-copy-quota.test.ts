/**
 * The copy quota (remote.log.manager.copy.max.bytes.per.second): a backlog of closed segments
 * is copied to S3 no faster than the quota on average (after one second's allowance), and
 * every segment still arrives. Real broker process, real S3 (s3rver), kafkajs.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { BUCKET, waitFor } from './support/tiered.js';
import { useTieredBroker } from './support/tiered-broker.js';

const QUOTA = 192 * 1024; // bytes per second
const TOPIC = 'throttled';

const t = useTieredBroker(['--set', `remote.log.manager.copy.max.bytes.per.second=${QUOTA}`]);

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

describe('remote.log.manager.copy.max.bytes.per.second', () => {
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
});
