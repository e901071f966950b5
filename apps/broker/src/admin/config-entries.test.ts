import { describe, expect, it } from 'vitest';
import { parseArgs } from '../config/parse-args.js';
import { CONFIG_TYPE_ID } from '../config/topic-configs.js';
import { ConfigSource } from './config-constants.js';
import { brokerConfigEntries, topicConfigEntries } from './config-entries.js';

const broker = parseArgs([
  '--data-dir',
  '/tmp/tributary-unit',
  '--listen',
  '127.0.0.1:0',
  '--node-id',
  '7',
  '--set',
  'log.retention.ms=3600000',
]);

describe('topicConfigEntries', () => {
  const entries = new Map(
    topicConfigEntries(broker, new Map([['cleanup.policy', 'compact']])).map((e) => [e.name, e]),
  );

  it('reports an override as TOPIC_CONFIG with the broker synonyms after it', () => {
    expect(entries.get('cleanup.policy')).toMatchObject({
      value: 'compact',
      source: ConfigSource.TOPIC_CONFIG,
      readOnly: false,
      sensitive: false,
      type: CONFIG_TYPE_ID.list,
      synonyms: [
        { name: 'cleanup.policy', value: 'compact', source: ConfigSource.TOPIC_CONFIG },
        { name: 'log.cleanup.policy', value: 'delete', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
  });

  it('reports a value set in the broker properties as STATIC_BROKER_CONFIG', () => {
    expect(entries.get('retention.ms')).toMatchObject({
      value: '3600000',
      source: ConfigSource.STATIC_BROKER_CONFIG,
      type: CONFIG_TYPE_ID.long,
      synonyms: [
        { name: 'log.retention.ms', value: '3600000', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.retention.ms', value: '604800000', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
  });

  it('reports keys without a broker synonym as DEFAULT_CONFIG without synonyms', () => {
    expect(entries.get('remote.storage.enable')).toMatchObject({
      value: 'false',
      source: ConfigSource.DEFAULT_CONFIG,
      synonyms: [],
      type: CONFIG_TYPE_ID.boolean,
    });
  });

  it('documents every key', () => {
    for (const e of entries.values()) expect(e.documentation).toBeTruthy();
  });
});

describe('brokerConfigEntries', () => {
  const entries = new Map(brokerConfigEntries(broker).map((e) => [e.name, e]));

  it('lists every broker property, read-only, with its source', () => {
    expect(entries.get('log.retention.ms')).toMatchObject({
      value: '3600000',
      source: ConfigSource.STATIC_BROKER_CONFIG,
      readOnly: true,
      type: CONFIG_TYPE_ID.long,
    });
    expect(entries.get('num.partitions')).toMatchObject({
      value: '1',
      source: ConfigSource.DEFAULT_CONFIG,
      readOnly: true,
      type: CONFIG_TYPE_ID.int,
    });
    expect(entries.get('log.cleanup.policy')?.type).toBe(CONFIG_TYPE_ID.list);
    expect(entries.get('auto.create.topics.enable')?.type).toBe(CONFIG_TYPE_ID.boolean);
  });

  it('includes the node identity', () => {
    expect(entries.get('node.id')).toMatchObject({
      value: '7',
      source: ConfigSource.STATIC_BROKER_CONFIG,
    });
    expect(entries.get('log.dirs')?.value).toBe('/tmp/tributary-unit/logs');
    expect(entries.get('broker.rack')).toMatchObject({
      value: null,
      source: ConfigSource.DEFAULT_CONFIG,
    });
  });
});
