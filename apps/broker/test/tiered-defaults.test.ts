/**
 * A plan's tiering default at the broker (default.remote.storage.enable): topics created by
 * CreateTopics or by auto-creation are tiered unless the request says otherwise or the topic
 * is compacted; the value is the topic's own override, and a short retention.ms is accepted
 * under a longer broker-wide local.retention.ms. Real broker process, real S3 (s3rver),
 * kafkajs.
 */
import { ConfigResourceTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { listKeys, waitFor } from './support/tiered.js';
import { useTieredBroker } from './support/tiered-broker.js';

const t = useTieredBroker([
  '--set',
  'default.remote.storage.enable=true',
  '--set',
  'auto.create.topics.enable=true',
  '--set',
  'log.local.retention.ms=21600000',
  '--set',
  'log.local.retention.bytes=0',
]);

const kafka = () => t.kafka('tiered-defaults');

async function topicConfig(
  topic: string,
): Promise<Record<string, { value: string; isDefault: boolean }>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const r = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return Object.fromEntries(
      r.resources[0].configEntries.map((e) => [
        e.configName,
        { value: e.configValue, isDefault: e.isDefault },
      ]),
    );
  } finally {
    await admin.disconnect();
  }
}

describe('default.remote.storage.enable', () => {
  it('tiers a topic created without saying, as its own override', async () => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'plain' }] });
    } finally {
      await admin.disconnect();
    }
    const c = await topicConfig('plain');
    expect(c['remote.storage.enable']).toEqual({ value: 'true', isDefault: false });
    expect(c['local.retention.bytes'].value).toBe('0');

    // It really tiers: closed segments reach S3.
    const producer = kafka().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = Buffer.alloc(2000, 7);
    for (let i = 0; i < 10; i++)
      await producer.send({
        topic: 'plain',
        acks: -1,
        messages: Array.from({ length: 20 }, () => ({ value })),
      });
    await producer.disconnect();
    const keys = await waitFor('segments of "plain" in S3', async () => {
      const k = (await listKeys(t.s3, 'clusters/lkc-test/topics/')).filter((x) =>
        x.endsWith('.log'),
      );
      return k.length >= 2 && k;
    });
    expect(keys.length).toBeGreaterThanOrEqual(2);
  });

  it('tiers an auto-created topic', async () => {
    const producer = kafka().producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      await waitFor('auto-created topic accepts a record', async () => {
        try {
          await producer.send({ topic: 'auto-made', messages: [{ value: 'x' }] });
          return true;
        } catch {
          return false;
        }
      });
    } finally {
      await producer.disconnect();
    }
    expect((await topicConfig('auto-made'))['remote.storage.enable'].value).toBe('true');
  });

  it('leaves compacted topics and an explicit "false" untiered, and accepts a short retention.ms', async () => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic: 'compacted', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          {
            topic: 'local-only',
            configEntries: [{ name: 'remote.storage.enable', value: 'false' }],
          },
          // The broker's local default (6 h) exceeds this topic's total: not an error.
          { topic: 'short', configEntries: [{ name: 'retention.ms', value: '3600000' }] },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    expect((await topicConfig('compacted'))['remote.storage.enable'].value).toBe('false');
    expect((await topicConfig('local-only'))['remote.storage.enable'].value).toBe('false');
    const short = await topicConfig('short');
    expect(short['remote.storage.enable'].value).toBe('true');
    expect(short['retention.ms'].value).toBe('3600000');
  });
});
