/**
 * KIP-950 on a real broker process with real S3 (s3rver): remote.log.copy.disable=true makes
 * the remote data read-only (no new copies, local copies kept, offset 0 still readable);
 * turning tiering off is refused without remote.log.delete.on.disable=true, and with it every
 * remote object of the topic is deleted and the log starts at the local log start.
 */
import { ConfigResourceTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kcatConsume } from '@tributary/testing';
import {
  EARLIEST,
  EARLIEST_LOCAL,
  LATEST_TIERED,
  listKeys,
  listOffset,
  waitFor,
} from './support/tiered.js';
import { useTieredBroker } from './support/tiered-broker.js';

const t = useTieredBroker();
const TOPIC = 'switch';

async function alter(entries: Record<string, string>): Promise<void> {
  const admin = t.kafka('tiered-disable').admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: TOPIC,
          configEntries: Object.entries(entries).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

async function produce(batches: number, from: number): Promise<void> {
  const producer = t.kafka('tiered-disable').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < batches; i++)
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: 10 }, (_, j) => ({
          value: `${from + i * 10 + j}:${'x'.repeat(3000)}`,
        })),
      });
  } finally {
    await producer.disconnect();
  }
}

const remoteLogs = async () =>
  (await listKeys(t.s3, 'clusters/lkc-test/topics/')).filter((k) => k.endsWith('.log'));
const settle = () => new Promise((r) => setTimeout(r, 1500)); // six copy passes at 250 ms

describe('KIP-950: read-only remote data, and turning tiering off', () => {
  it('copy.disable keeps what is in S3 readable and copies nothing more', async () => {
    const admin = t.kafka('tiered-disable').admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          configEntries: [
            { name: 'remote.storage.enable', value: 'true' },
            { name: 'local.retention.bytes', value: '0' },
          ],
        },
      ],
    });
    await admin.disconnect();
    await produce(20, 0);
    await waitFor('local copies gone after upload', async () => {
      const localStart = await listOffset(t.broker.port, TOPIC, EARLIEST_LOCAL);
      return localStart >= 150 && localStart;
    });
    const tieredBefore = await listOffset(t.broker.port, TOPIC, LATEST_TIERED);
    const logsBefore = await remoteLogs();
    const localStartBefore = await listOffset(t.broker.port, TOPIC, EARLIEST_LOCAL);

    await alter({
      'remote.storage.enable': 'true',
      'remote.log.copy.disable': 'true',
      'local.retention.bytes': '-2',
    });
    await produce(20, 200);
    await settle();
    expect(await remoteLogs()).toEqual(logsBefore);
    expect(await listOffset(t.broker.port, TOPIC, LATEST_TIERED)).toBe(tieredBefore);
    // Local segments are no longer deleted after a copy: the local log keeps the totals.
    expect(await listOffset(t.broker.port, TOPIC, EARLIEST_LOCAL)).toBe(localStartBefore);
    const all = await kcatConsume({ bootstrap: t.broker.bootstrap, topic: TOPIC });
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(all.map((r) => Number(r.value!.toString().split(':')[0]))).toEqual(
      Array.from({ length: 400 }, (_, i) => i),
    );
  });

  it('refuses turning tiering off unless the remote data is deleted with it', async () => {
    await expect(alter({ 'remote.storage.enable': 'false' })).rejects.toMatchObject({
      type: 'INVALID_CONFIG',
    });
    // (The Kafka message itself is checked in src/config/topic-configs.test.ts; kafkajs shows
    // only the error code's text.)
    expect((await remoteLogs()).length).toBeGreaterThan(0);
  });

  it('turned off with remote.log.delete.on.disable, the remote data goes and the log starts locally', async () => {
    const localStart = await listOffset(t.broker.port, TOPIC, EARLIEST_LOCAL);
    expect(localStart).toBeGreaterThan(0);
    await alter({ 'remote.storage.enable': 'false', 'remote.log.delete.on.disable': 'true' });
    await waitFor('remote objects deleted', async () => {
      const keys = await listKeys(t.s3, 'clusters/lkc-test/topics/');
      return keys.length === 0;
    });
    expect(await listOffset(t.broker.port, TOPIC, EARLIEST)).toBe(localStart);
    const rest = await kcatConsume({ bootstrap: t.broker.bootstrap, topic: TOPIC });
    expect(rest[0].offset).toBe(localStart);
    expect(rest[rest.length - 1].offset).toBe(399);
    // Still a working local topic.
    await produce(1, 400);
    await settle();
    expect(await listKeys(t.s3, 'clusters/lkc-test/topics/')).toEqual([]);
  });
});
