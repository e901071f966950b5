/**
 * Topic-level configuration: every key Tributary accepts, its type, validation, and the
 * broker property it defaults from (its synonym). DescribeConfigs, CreateTopics, AlterConfigs
 * and IncrementalAlterConfigs all go through this table.
 *
 * The keys, types, defaults and checks follow Apache Kafka 4.x (LogConfig and
 * ServerTopicConfigSynonyms); validation messages are Kafka's ConfigException texts, so a
 * client shows the same sentence it would get from Kafka.
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
  /** One line for DescribeConfigs include_documentation. */
  doc: string;
  /** Returns Kafka's problem description (without the "Invalid value" prefix) or null. */
  validate(value: string): string | null;
}

const LONG_MAX = '9223372036854775807';
const INT_BOUNDS: [bigint, bigint] = [-(2n ** 31n), 2n ** 31n - 1n];
const LONG_BOUNDS: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

function parseInteger(raw: string, [lo, hi]: [bigint, bigint]): bigint | null {
  const v = raw.trim();
  if (!/^[-+]?\d+$/.test(v)) return null;
  const n = BigInt(v);
  return n < lo || n > hi ? null : n;
}

/** ConfigDef INT/LONG with an optional Range (atLeast / between). */
function integer(type: 'int' | 'long', min?: number, max?: number) {
  const bounds = type === 'int' ? INT_BOUNDS : LONG_BOUNDS;
  return (v: string): string | null => {
    const n = parseInteger(v, bounds);
    if (n === null) return `Not a number of type ${type.toUpperCase()}`;
    if (min !== undefined && n < BigInt(min)) return `Value must be at least ${min}`;
    if (max !== undefined && n > BigInt(max)) return `Value must be no more than ${max}`;
    return null;
  };
}

function double(min: number, max: number) {
  return (v: string): string | null => {
    const t = v.trim();
    const n = Number(t);
    if (t === '' || Number.isNaN(n)) return 'Not a number of type DOUBLE';
    if (n < min) return `Value must be at least ${min}`;
    if (n > max) return `Value must be no more than ${max}`;
    return null;
  };
}

function oneOf(values: readonly string[]) {
  return (v: string): string | null =>
    values.includes(v.trim()) ? null : `String must be one of: ${values.join(', ')}`;
}

function bool(v: string): string | null {
  const t = v.trim().toLowerCase();
  return t === 'true' || t === 'false' ? null : 'Expected value to be either true or false';
}

/** Kafka splits LIST values on commas with surrounding whitespace. */
export function listItems(v: string): string[] {
  const t = v.trim();
  return t === '' ? [] : t.split(/\s*,\s*/);
}

function cleanupPolicy(v: string): string | null {
  const items = listItems(v);
  // Kafka 4.0 would take an empty list (no cleanup at all); the log store has no such mode.
  if (items.length === 0) return 'String must be one of: compact, delete';
  for (const item of items) {
    if (item !== 'compact' && item !== 'delete') return 'String must be one of: compact, delete';
  }
  return null;
}

function gzipLevel(v: string): string | null {
  const n = parseInteger(v, INT_BOUNDS);
  if (n === null) return 'Not a number of type INT';
  return n === -1n || (n >= 1n && n <= 9n) ? null : 'Value must be between 1 and 9, or -1';
}

function throttledReplicas(name: string) {
  return (v: string): string | null => {
    const items = listItems(v);
    if (items.join('') === '*' || items.every((i) => /^(\d+:\d+)?$/.test(i))) return null;
    return `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`;
  };
}

const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  {
    name: 'cleanup.policy',
    type: 'list',
    brokerKey: 'log.cleanup.policy',
    doc: 'delete (drop old segments by retention), compact (keep the latest record per key), or both.',
    validate: cleanupPolicy,
  },
  {
    name: 'compression.gzip.level',
    type: 'int',
    brokerKey: 'compression.gzip.level',
    doc: 'Compression level when compression.type is gzip.',
    validate: gzipLevel,
  },
  {
    name: 'compression.lz4.level',
    type: 'int',
    brokerKey: 'compression.lz4.level',
    doc: 'Compression level when compression.type is lz4.',
    validate: integer('int', 1, 17),
  },
  {
    name: 'compression.type',
    type: 'string',
    brokerKey: 'compression.type',
    doc: "Final compression of the topic's batches; producer keeps what the producer sent.",
    validate: oneOf(COMPRESSION_TYPES),
  },
  {
    name: 'compression.zstd.level',
    type: 'int',
    brokerKey: 'compression.zstd.level',
    doc: 'Compression level when compression.type is zstd.',
    validate: integer('int', -131072, 22),
  },
  {
    name: 'delete.retention.ms',
    type: 'long',
    brokerKey: 'log.cleaner.delete.retention.ms',
    doc: 'How long tombstones are kept on compacted topics.',
    validate: integer('long', 0),
  },
  {
    name: 'file.delete.delay.ms',
    type: 'long',
    brokerKey: 'log.segment.delete.delay.ms',
    doc: 'Time to wait before deleting a file from the filesystem.',
    validate: integer('long', 0),
  },
  {
    name: 'flush.messages',
    type: 'long',
    brokerKey: 'log.flush.interval.messages',
    doc: 'Force an fsync after this many messages.',
    validate: integer('long', 1),
  },
  {
    name: 'flush.ms',
    type: 'long',
    brokerKey: 'log.flush.interval.ms',
    doc: 'Force an fsync after this much time.',
    validate: integer('long', 0),
  },
  {
    name: 'follower.replication.throttled.replicas',
    type: 'list',
    brokerKey: null,
    fallback: '',
    doc: 'Replicas whose replication is throttled on the follower side.',
    validate: throttledReplicas('follower.replication.throttled.replicas'),
  },
  {
    name: 'index.interval.bytes',
    type: 'int',
    brokerKey: 'log.index.interval.bytes',
    doc: 'Bytes between two entries of the offset index.',
    validate: integer('int', 0),
  },
  {
    name: 'leader.replication.throttled.replicas',
    type: 'list',
    brokerKey: null,
    fallback: '',
    doc: 'Replicas whose replication is throttled on the leader side.',
    validate: throttledReplicas('leader.replication.throttled.replicas'),
  },
  {
    name: 'local.retention.bytes',
    type: 'long',
    brokerKey: 'log.local.retention.bytes',
    doc: 'Local-tier size limit per partition with tiered storage; -2 means retention.bytes.',
    validate: integer('long', -2),
  },
  {
    name: 'local.retention.ms',
    type: 'long',
    brokerKey: 'log.local.retention.ms',
    doc: 'Local-tier time limit with tiered storage; -2 means retention.ms.',
    validate: integer('long', -2),
  },
  {
    name: 'max.compaction.lag.ms',
    type: 'long',
    brokerKey: 'log.cleaner.max.compaction.lag.ms',
    doc: 'Longest time a record stays ineligible for compaction.',
    validate: integer('long', 1),
  },
  {
    name: 'max.message.bytes',
    type: 'int',
    brokerKey: 'message.max.bytes',
    doc: 'Largest record batch the topic accepts.',
    validate: integer('int', 0),
  },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'long',
    brokerKey: 'log.message.timestamp.after.max.ms',
    doc: 'How far in the future a CreateTime timestamp may be.',
    validate: integer('long', 0),
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'long',
    brokerKey: 'log.message.timestamp.before.max.ms',
    doc: 'How far in the past a CreateTime timestamp may be.',
    validate: integer('long', 0),
  },
  {
    name: 'message.timestamp.type',
    type: 'string',
    brokerKey: 'log.message.timestamp.type',
    doc: 'CreateTime (set by the producer) or LogAppendTime (set by the broker).',
    validate: oneOf(['CreateTime', 'LogAppendTime']),
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    brokerKey: 'log.cleaner.min.cleanable.ratio',
    doc: 'Share of the log that must be uncompacted before the cleaner runs.',
    validate: double(0, 1),
  },
  {
    name: 'min.compaction.lag.ms',
    type: 'long',
    brokerKey: 'log.cleaner.min.compaction.lag.ms',
    doc: 'Shortest time a record stays uncompacted.',
    validate: integer('long', 0),
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    brokerKey: 'min.insync.replicas',
    doc: 'Replicas that must acknowledge an acks=all write.',
    validate: integer('int', 1),
  },
  {
    name: 'preallocate',
    type: 'boolean',
    brokerKey: 'log.preallocate',
    doc: 'Preallocate segment files on disk.',
    validate: bool,
  },
  {
    name: 'remote.log.copy.disable',
    type: 'boolean',
    brokerKey: null,
    fallback: 'false',
    doc: 'Stop copying segments to remote storage.',
    validate: bool,
  },
  {
    name: 'remote.log.delete.on.disable',
    type: 'boolean',
    brokerKey: null,
    fallback: 'false',
    doc: 'Delete remote data when tiered storage is turned off for the topic.',
    validate: bool,
  },
  {
    name: 'remote.storage.enable',
    type: 'boolean',
    brokerKey: null,
    fallback: 'false',
    doc: 'Tier closed segments to remote storage.',
    validate: bool,
  },
  {
    name: 'retention.bytes',
    type: 'long',
    brokerKey: 'log.retention.bytes',
    doc: 'Size limit per partition before old segments are deleted; -1 means none.',
    validate: integer('long'),
  },
  {
    name: 'retention.ms',
    type: 'long',
    brokerKey: 'log.retention.ms',
    doc: 'Age limit before old segments are deleted; -1 means none.',
    validate: integer('long', -1),
  },
  {
    name: 'segment.bytes',
    type: 'int',
    brokerKey: 'log.segment.bytes',
    doc: 'Size of one segment file.',
    validate: integer('int', 1024 * 1024),
  },
  {
    name: 'segment.index.bytes',
    type: 'int',
    brokerKey: 'log.index.size.max.bytes',
    doc: 'Size of the offset index of one segment.',
    validate: integer('int', 4),
  },
  {
    name: 'segment.jitter.ms',
    type: 'long',
    brokerKey: 'log.roll.jitter.ms',
    doc: 'Random jitter subtracted from segment.ms.',
    validate: integer('long', 0),
  },
  {
    name: 'segment.ms',
    type: 'long',
    brokerKey: 'log.roll.ms',
    doc: 'Roll a new segment after this long even if it is not full.',
    validate: integer('long', 1),
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'boolean',
    brokerKey: 'unclean.leader.election.enable',
    doc: 'Allow out-of-sync replicas to become leader.',
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
  if (value === null) return `Null value not supported for topic configs: ${name}`;
  const problem = def.validate(value);
  return problem ? `Invalid value ${value} for configuration ${name}: ${problem}` : null;
}

/**
 * Validates a topic's complete set of overrides as Kafka's LogConfig.validate does: unknown
 * names first, then each value, then the checks that span keys (against the effective values).
 */
export function topicOverridesProblem(
  broker: BrokerConfig,
  overrides: ReadonlyMap<string, string | null>,
): string | null {
  const nulls = [...overrides].filter(([, v]) => v === null).map(([k]) => k);
  if (nulls.length > 0) return `Null value not supported for topic configs: ${nulls.join(',')}`;
  for (const name of overrides.keys()) {
    if (!TOPIC_CONFIG_BY_NAME.has(name)) return `Unknown topic config name: ${name}`;
  }
  for (const [name, value] of overrides) {
    const problem = topicConfigProblem(name, value);
    if (problem) return problem;
  }
  const effective = effectiveTopicConfig(broker, overrides as ReadonlyMap<string, string>);
  const remote = remoteStorageProblem(broker, effective, overrides);
  if (remote) return remote;
  const minLag = BigInt(effective.get('min.compaction.lag.ms')!.trim());
  const maxLag = BigInt(effective.get('max.compaction.lag.ms')!.trim());
  if (minLag > maxLag) {
    return `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`;
  }
  return null;
}

/**
 * Kafka's LogConfig checks for remote.storage.enable=true (its ConfigException texts). One
 * leniency: a local.retention.* that comes from the broker (a plan's default) and exceeds the
 * topic's total is not an error — the local log keeps at most the total (tiered-log.ts caps
 * it) — so a tenant can set a short retention.ms without knowing the plan's local default.
 */
function remoteStorageProblem(
  broker: BrokerConfig,
  effective: ReadonlyMap<string, string>,
  overrides: ReadonlyMap<string, unknown>,
): string | null {
  if (effective.get('remote.storage.enable')!.trim().toLowerCase() !== 'true') return null;
  if (configString(broker, 'remote.log.storage.system.enable') !== 'true')
    return 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.';
  if (listItems(effective.get('cleanup.policy')!).includes('compact'))
    return 'Remote log storage is unsupported for the compacted topics';
  const copyDisabled = isTrue(effective.get('remote.log.copy.disable'));
  for (const [total, local] of [
    ['retention.bytes', 'local.retention.bytes'],
    ['retention.ms', 'local.retention.ms'],
  ]) {
    if (!overrides.has(local)) continue;
    const t = BigInt(effective.get(total)!.trim());
    const l = BigInt(effective.get(local)!.trim());
    if (copyDisabled && l !== -2n && l !== t) {
      const unit = total.slice('retention.'.length);
      return `When \`remote.log.copy.disable\` is set to true, the \`local.retention.${unit}\` and \`retention.${unit}\` must be set to the identical value because there will be no more logs copied to the remote storage.`;
    }
    if (t > -1n && l !== -2n) {
      if (l === -1n)
        return `Invalid value -1 for configuration ${local}: Value must not be -1 as ${total} value is set as ${t}.`;
      if (l > t)
        return `Invalid value ${l} for configuration ${local}: Value must not be more than ${total} property value: ${t}`;
    }
  }
  return null;
}

/**
 * The overrides a new topic is created with: the request's, plus remote.storage.enable=true
 * when the broker tiers new topics by default (default.remote.storage.enable), tiering is on
 * in the broker, the request does not say, and the topic is not compacted. The value is
 * written into the topic's own overrides, so changing the default later moves no topic.
 */
export function withCreationDefaults(
  broker: BrokerConfig,
  configs: ReadonlyMap<string, string | null>,
): ReadonlyMap<string, string | null> {
  if (configs.has('remote.storage.enable')) return configs;
  if (configString(broker, 'default.remote.storage.enable').toLowerCase() !== 'true')
    return configs;
  if (configString(broker, 'remote.log.storage.system.enable').toLowerCase() !== 'true')
    return configs;
  const policy = configs.get('cleanup.policy') ?? configString(broker, 'log.cleanup.policy');
  if (listItems(policy).includes('compact')) return configs;
  return new Map([...configs, ['remote.storage.enable', 'true']]);
}

const isTrue = (v: string | null | undefined) => v?.trim().toLowerCase() === 'true';

/**
 * Turning tiering off for a topic (KIP-950, Kafka 3.9+): only together with
 * remote.log.delete.on.disable=true, which deletes the remote data; keeping it read-only is
 * remote.log.copy.disable=true with tiering still on.
 */
export function remoteStorageDisableProblem(
  current: ReadonlyMap<string, string>,
  next: ReadonlyMap<string, string | null>,
): string | null {
  const was = isTrue(current.get('remote.storage.enable'));
  const now = isTrue(next.get('remote.storage.enable'));
  if (!was || now || isTrue(next.get('remote.log.delete.on.disable'))) return null;
  return 'It is invalid to disable remote storage without deleting remote data. If you want to keep the remote data and turn to read only, please set `remote.storage.enable=true,remote.log.copy.disable=true`. If you want to disable remote storage and delete all remote data, please set `remote.storage.enable=false,remote.log.delete.on.disable=true`.';
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
  if (v?.trim() === LONG_MAX) return Number.MAX_SAFE_INTEGER;
  return Number(v);
}

function policy(v: string): CleanupPolicy {
  const parts = new Set(listItems(v));
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
      c.get('message.timestamp.type')?.trim() === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
    producerIdExpirationMs: num(configString(broker, 'producer.id.expiration.ms')),
    remoteStorageEnable: c.get('remote.storage.enable')?.trim().toLowerCase() === 'true',
    localRetentionMs: num(c.get('local.retention.ms')),
    localRetentionBytes: num(c.get('local.retention.bytes')),
    remoteLogCopyDisable: isTrue(c.get('remote.log.copy.disable')),
  };
}
