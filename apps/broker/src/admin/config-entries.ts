/**
 * The configuration of a topic or of this broker as DescribeConfigs and CreateTopics (v5+)
 * report it: value, where it comes from (source), synonyms in precedence order, type and
 * documentation. Mirrors Kafka's ConfigHelper:
 *  - a topic config's synonyms are the topic override (TOPIC_CONFIG), then its broker synonym
 *    as set in the broker's properties (STATIC_BROKER_CONFIG) and as defaulted
 *    (DEFAULT_CONFIG); its source is that of the first synonym;
 *  - broker configs are all read-only: Tributary has no dynamic broker configs.
 */
import {
  BROKER_DEFAULTS,
  SENSITIVE_BROKER_CONFIGS,
  type BrokerConfig,
} from '../config/broker-config.js';
import {
  CONFIG_TYPE_ID,
  TOPIC_CONFIGS,
  TOPIC_CONFIG_BY_NAME,
  effectiveTopicConfig,
  type ConfigType,
} from '../config/topic-configs.js';
import { DataDir } from '../storage/data-dir.js';
import { ConfigSource } from './config-constants.js';

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: number;
  readOnly: boolean;
  sensitive: boolean;
  /** Kafka ConfigType id (DescribeConfigs v3+). */
  type: number;
  /** In precedence order, the entry's own source first. */
  synonyms: ConfigSynonym[];
  documentation: string | null;
}

/** Broker synonyms of `key`: as set in the properties, then Kafka's default, like ConfigHelper. */
function brokerSynonyms(broker: BrokerConfig, key: string): ConfigSynonym[] {
  const out: ConfigSynonym[] = [];
  const set = broker.props.get(key);
  if (set !== undefined)
    out.push({ name: key, value: set, source: ConfigSource.STATIC_BROKER_CONFIG });
  const fallback = BROKER_DEFAULTS.get(key);
  if (fallback !== undefined)
    out.push({ name: key, value: fallback, source: ConfigSource.DEFAULT_CONFIG });
  return out;
}

/** Every topic config, sorted by name, for a topic with these overrides. */
export function topicConfigEntries(
  broker: BrokerConfig,
  overrides: ReadonlyMap<string, string>,
): ConfigEntry[] {
  const effective = effectiveTopicConfig(broker, overrides);
  return [...TOPIC_CONFIGS]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((def) => {
      const synonyms: ConfigSynonym[] = [];
      const override = overrides.get(def.name);
      if (override !== undefined) {
        synonyms.push({ name: def.name, value: override, source: ConfigSource.TOPIC_CONFIG });
      }
      if (def.brokerKey) synonyms.push(...brokerSynonyms(broker, def.brokerKey));
      return {
        name: def.name,
        value: effective.get(def.name) ?? null,
        source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        readOnly: false,
        sensitive: false,
        type: CONFIG_TYPE_ID[def.type],
        synonyms,
        documentation: def.doc,
      };
    });
}

/** Kafka's types of the broker properties Tributary reads (KafkaConfig's ConfigDef). */
const BROKER_CONFIG_TYPES: Readonly<Record<string, ConfigType>> = {
  'auto.create.topics.enable': 'boolean',
  'broker.rack': 'string',
  'connection.failed.authentication.delay.ms': 'int',
  'connections.max.idle.ms': 'long',
  'connections.max.reauth.ms': 'long',
  'default.replication.factor': 'int',
  'delete.topic.enable': 'boolean',
  'fetch.max.bytes': 'int',
  'group.initial.rebalance.delay.ms': 'int',
  'group.max.session.timeout.ms': 'int',
  'group.max.size': 'int',
  'group.min.session.timeout.ms': 'int',
  'log.cleaner.backoff.ms': 'long',
  'log.dirs': 'list',
  'log.flush.interval.ms': 'long',
  'log.retention.check.interval.ms': 'long',
  'log.roll.ms': 'long',
  'log.retention.ms': 'long',
  'max.incremental.fetch.session.cache.slots': 'int',
  'message.max.bytes': 'int',
  'node.id': 'int',
  'num.partitions': 'int',
  'offset.metadata.max.bytes': 'int',
  'offsets.retention.minutes': 'int',
  'producer.id.expiration.ms': 'int',
  'sasl.enabled.mechanisms': 'list',
  'sasl.scram.iterations': 'int',
  'sasl.server.max.receive.size': 'int',
  'socket.request.max.bytes': 'int',
};

/** Kafka's ConfigType PASSWORD (no topic config has it). */
const PASSWORD_TYPE_ID = 9;

/** Synonyms of topic configs share the topic config's type; the rest come from the table. */
function brokerConfigType(key: string): number {
  if (SENSITIVE_BROKER_CONFIGS.has(key)) return PASSWORD_TYPE_ID;
  const explicit = BROKER_CONFIG_TYPES[key];
  if (explicit) return CONFIG_TYPE_ID[explicit];
  const topicDef = TOPIC_CONFIGS.find((d) => d.brokerKey === key) ?? TOPIC_CONFIG_BY_NAME.get(key);
  return topicDef ? CONFIG_TYPE_ID[topicDef.type] : CONFIG_TYPE_ID.string;
}

/** This broker's configuration (DescribeConfigs on BROKER resource "<node id>"), sorted by name. */
export function brokerConfigEntries(broker: BrokerConfig): ConfigEntry[] {
  const values = new Map<string, { value: string | null; synonyms: ConfigSynonym[] }>();
  for (const key of new Set([...BROKER_DEFAULTS.keys(), ...broker.props.keys()])) {
    const synonyms = brokerSynonyms(broker, key);
    values.set(key, { value: synonyms[0]?.value ?? null, synonyms });
  }
  const identity: Array<[string, string | null]> = [
    ['node.id', String(broker.nodeId)],
    ['log.dirs', new DataDir(broker.dataDir).logsDir],
    ['broker.rack', broker.rack],
  ];
  for (const [key, value] of identity) {
    const synonyms =
      value === null ? [] : [{ name: key, value, source: ConfigSource.STATIC_BROKER_CONFIG }];
    values.set(key, { value, synonyms });
  }
  return [...values.keys()].sort().map((name) => {
    const { value, synonyms } = values.get(name)!;
    return {
      name,
      value,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: true,
      sensitive: SENSITIVE_BROKER_CONFIGS.has(name),
      type: brokerConfigType(name),
      synonyms,
      documentation: null,
    };
  });
}
