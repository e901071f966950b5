/**
 * Topic-level configuration: every key Tributary accepts, its type, validation, and the
 * broker property it defaults from (its synonym). DescribeConfigs, CreateTopics, AlterConfigs
 * and IncrementalAlterConfigs all go through this table.
 */
import type { CleanupPolicy, LogConfig } from '@tributary/log-store';
import { type BrokerConfig, configString } from './broker-config.js';

export type ConfigType = 'boolean' | 'string' | 'int' | 'long' | 'double' | 'list';

/** Kafka's ConfigType ids in DescribeConfigs v3+. */
export const CONFIG_TYPE_ID: Readonly<Record<ConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
};

export interface TopicConfigDef {
  name: string;
  type: ConfigType;
  /** Broker property the default comes from, when there is one. */
  brokerKey: string | null;
  /** Default when there is no broker synonym. */
  fallback?: string;
  /** Returns a problem description or null. */
  validate(value: string): string | null;
}

const LONG_MAX = '9223372036854775807';

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): string | null => {
    if (!/^-?\d+$/.test(v.trim())) return `must be an integer`;
    const n = Number(v);
    if (v.trim() === LONG_MAX) return null;
    if (n < min) return `must be at least ${min}`;
    if (n > max) return `must be at most ${max}`;
    return null;
  };
}

function oneOf(values: string[]) {
  return (v: string): string | null =>
    values.includes(v) ? null : `must be one of ${values.join(', ')}`;
}

function ratio(v: string): string | null {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? null : 'must be between 0 and 1';
}

function cleanupPolicy(v: string): string | null {
  const parts = v.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p !== 'delete' && p !== 'compact'))
    return 'must be a list of delete, compact';
  return null;
}

function bool(v: string): string | null {
  return v === 'true' || v === 'false' ? null : 'must be true or false';
}

const INT_MAX = 2147483647;

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  {
    name: 'cleanup.policy',
    type: 'list',
    brokerKey: 'log.cleanup.policy',
    validate: cleanupPolicy,
  },
  {
    name: 'compression.type',
    type: 'string',
    brokerKey: 'compression.type',
    validate: oneOf(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']),
  },
  {
    name: 'delete.retention.ms',
    type: 'long',
    brokerKey: 'log.cleaner.delete.retention.ms',
    validate: integer(0),
  },
  {
    name: 'file.delete.delay.ms',
    type: 'long',
    brokerKey: null,
    fallback: '60000',
    validate: integer(0),
  },
  {
    name: 'flush.messages',
    type: 'long',
    brokerKey: 'log.flush.interval.messages',
    validate: integer(1),
  },
  { name: 'flush.ms', type: 'long', brokerKey: 'log.flush.interval.ms', validate: integer(0) },
  {
    name: 'index.interval.bytes',
    type: 'int',
    brokerKey: 'log.index.interval.bytes',
    validate: integer(0, INT_MAX),
  },
  {
    name: 'max.compaction.lag.ms',
    type: 'long',
    brokerKey: null,
    fallback: LONG_MAX,
    validate: integer(1),
  },
  {
    name: 'max.message.bytes',
    type: 'int',
    brokerKey: 'message.max.bytes',
    validate: integer(0, INT_MAX),
  },
  {
    name: 'message.timestamp.type',
    type: 'string',
    brokerKey: 'log.message.timestamp.type',
    validate: oneOf(['CreateTime', 'LogAppendTime']),
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'long',
    brokerKey: null,
    fallback: LONG_MAX,
    validate: integer(0),
  },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'long',
    brokerKey: null,
    fallback: LONG_MAX,
    validate: integer(0),
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    brokerKey: 'log.cleaner.min.cleanable.ratio',
    validate: ratio,
  },
  {
    name: 'min.compaction.lag.ms',
    type: 'long',
    brokerKey: 'log.cleaner.min.compaction.lag.ms',
    validate: integer(0),
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    brokerKey: 'min.insync.replicas',
    validate: integer(1, INT_MAX),
  },
  { name: 'preallocate', type: 'boolean', brokerKey: null, fallback: 'false', validate: bool },
  {
    name: 'retention.bytes',
    type: 'long',
    brokerKey: 'log.retention.bytes',
    validate: integer(-1),
  },
  { name: 'retention.ms', type: 'long', brokerKey: 'log.retention.ms', validate: integer(-1) },
  {
    name: 'segment.bytes',
    type: 'int',
    brokerKey: 'log.segment.bytes',
    validate: integer(14, INT_MAX),
  },
  {
    name: 'segment.index.bytes',
    type: 'int',
    brokerKey: null,
    fallback: '10485760',
    validate: integer(4, INT_MAX),
  },
  { name: 'segment.jitter.ms', type: 'long', brokerKey: null, fallback: '0', validate: integer(0) },
  { name: 'segment.ms', type: 'long', brokerKey: 'log.roll.ms', validate: integer(1) },
  {
    name: 'unclean.leader.election.enable',
    type: 'boolean',
    brokerKey: null,
    fallback: 'false',
    validate: bool,
  },
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(
  TOPIC_CONFIGS.map((d) => [d.name, d]),
);

/** Why `value` is not acceptable for `name`, or null. */
export function topicConfigProblem(name: string, value: string | null): string | null {
  const def = TOPIC_CONFIG_BY_NAME.get(name);
  if (!def) return `Unknown topic config name: ${name}`;
  if (value === null) return `Null value not supported for topic config ${name}`;
  const problem = def.validate(value);
  return problem ? `Invalid value ${value} for configuration ${name}: ${problem}` : null;
}

export function defaultTopicConfigValue(broker: BrokerConfig, def: TopicConfigDef): string {
  return def.brokerKey ? configString(broker, def.brokerKey) : (def.fallback ?? '');
}

export function effectiveTopicConfig(
  broker: BrokerConfig,
  overrides: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const def of TOPIC_CONFIGS)
    out.set(def.name, overrides.get(def.name) ?? defaultTopicConfigValue(broker, def));
  return out;
}

function num(v: string | undefined): number {
  if (v === LONG_MAX) return Number.MAX_SAFE_INTEGER;
  return Number(v);
}

function policy(v: string): CleanupPolicy {
  const parts = new Set(v.split(',').map((p) => p.trim()));
  if (parts.has('compact') && parts.has('delete')) return 'compact,delete';
  return parts.has('compact') ? 'compact' : 'delete';
}

export function logConfigFor(
  broker: BrokerConfig,
  overrides: ReadonlyMap<string, string>,
): LogConfig {
  const c = effectiveTopicConfig(broker, overrides);
  return {
    segmentBytes: num(c.get('segment.bytes')),
    segmentMs: num(c.get('segment.ms')),
    retentionMs: num(c.get('retention.ms')),
    retentionBytes: num(c.get('retention.bytes')),
    cleanupPolicy: policy(c.get('cleanup.policy')!),
    deleteRetentionMs: num(c.get('delete.retention.ms')),
    minCompactionLagMs: num(c.get('min.compaction.lag.ms')),
    minCleanableDirtyRatio: num(c.get('min.cleanable.dirty.ratio')),
    indexIntervalBytes: num(c.get('index.interval.bytes')),
    maxMessageBytes: num(c.get('max.message.bytes')),
    messageTimestampType:
      c.get('message.timestamp.type') === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
    producerIdExpirationMs: num(configString(broker, 'producer.id.expiration.ms')),
  };
}
