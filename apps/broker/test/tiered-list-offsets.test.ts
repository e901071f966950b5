/**
 * ListOffsets over a tiered topic: MAX_TIMESTAMP (-3) finds the largest timestamp in a
 * segment that lives only in S3, EARLIEST (-2) / EARLIEST_LOCAL (-4) / LATEST_TIERED (-5)
 * bracket it, and a timestamp lookup lands in the remote segment. Real broker process, real
 * S3 (s3rver), kafkajs producing records with chosen timestamps.
 */
import { describe, expect, it } from 'vitest';
import {
  EARLIEST,
  EARLIEST_LOCAL,
  LATEST_TIERED,
  listOffset,
  listOffsetAndTimestamp,
  waitFor,
} from './support/tiered.js';
import { useTieredBroker } from './support/tiered-broker.js';

const MAX_TIMESTAMP = -3;
const TOPIC = 'timed';
const BASE = 1_700_000_000_000;
const PEAK = 7; // the record carrying the largest timestamp
const COUNT = 300;

const t = useTieredBroker();

describe('ListOffsets over remote segments', () => {
  it('finds MAX_TIMESTAMP and a timestamp in a segment that is only in S3', async () => {
    const kafka = t.kafka('tiered-offsets');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          configEntries: [
            { name: 'remote.storage.enable', value: 'true' },
            { name: 'local.retention.bytes', value: '0' },
            { name: 'retention.ms', value: '-1' },
          ],
        },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = Buffer.alloc(1500, 1);
    for (let i = 0; i < COUNT; i += 10) {
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: 10 }, (_, j) => {
          const n = i + j;
          // Offset PEAK jumps ahead; the rest rise by 1 ms from BASE, all far below the peak.
          const ts = n === PEAK ? BASE + 1_000_000_000 : BASE + n;
          return { value, timestamp: String(ts) };
        }),
      });
    }
    await producer.disconnect();

    // The segment holding PEAK is copied and its local copy deleted.
    await waitFor('the first segments only in S3', async () => {
      const localStart = await listOffset(t.broker.port, TOPIC, EARLIEST_LOCAL);
      return localStart > PEAK + 10 && localStart;
    });
    expect(await listOffset(t.broker.port, TOPIC, EARLIEST)).toBe(0);
    expect(await listOffset(t.broker.port, TOPIC, LATEST_TIERED)).toBeGreaterThan(PEAK);

    expect(await listOffsetAndTimestamp(t.broker.port, TOPIC, MAX_TIMESTAMP)).toEqual({
      offset: PEAK,
      timestamp: BASE + 1_000_000_000,
    });
    // A timestamp lookup inside the remote range: first record at or after BASE + 3.
    expect(await listOffsetAndTimestamp(t.broker.port, TOPIC, BASE + 3)).toEqual({
      offset: 3,
      timestamp: BASE + 3,
    });
  });
});
