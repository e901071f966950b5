/**
 * Broker-level settings, named as in Apache Kafka's server.properties. Values come from
 * defaults, an optional properties file (--config) and --set key=value flags, in that order.
 */
import type { ListenerConfig } from './listeners.js';

export interface BrokerConfig {
  nodeId: number;
  dataDir: string;
  /** Kafka listeners, at least one; the first is the one tests and tools call `address`. */
  listeners: ListenerConfig[];
  /** The private admin endpoint (HTTP, pool-token authenticated), when enabled. */
  admin: { host: string; port: number; token: string } | null;
  rack: string | null;
  /** Everything else, as strings, by Kafka property name (see BROKER_DEFAULTS). */
  props: Map<string, string>;
}

/** Kafka's defaults for the broker properties Tributary reads. */
export const BROKER_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ['socket.request.max.bytes', '104857600'],
  // Kafka's default is -1 (unbounded); Tributary bounds what requests can hold in memory.
  ['queued.max.request.bytes', '268435456'],
  // Tributary-specific: bytes fetch responses may hold between disk and socket.
  ['fetch.memory.max.bytes', '134217728'],
  ['message.max.bytes', '1048588'],
  ['auto.create.topics.enable', 'true'],
  ['num.partitions', '1'],
  ['default.replication.factor', '1'],
  ['delete.topic.enable', 'true'],
  ['connections.max.idle.ms', '600000'],
  ['log.segment.bytes', '1073741824'],
  ['log.roll.ms', '604800000'],
  ['log.retention.ms', '604800000'],
  ['log.retention.bytes', '-1'],
  ['log.retention.check.interval.ms', '300000'],
  ['log.cleanup.policy', 'delete'],
  ['log.cleaner.backoff.ms', '15000'],
  ['log.cleaner.delete.retention.ms', '86400000'],
  ['log.cleaner.min.cleanable.ratio', '0.5'],
  ['log.cleaner.min.compaction.lag.ms', '0'],
  ['log.index.interval.bytes', '4096'],
  ['log.message.timestamp.type', 'CreateTime'],
  ['log.flush.interval.messages', '9223372036854775807'],
  ['log.flush.interval.ms', '9223372036854775807'],
  ['compression.type', 'producer'],
  // Broker synonyms of topic configs (ServerTopicConfigSynonyms), with Kafka 4.x defaults.
  ['compression.gzip.level', '-1'],
  ['compression.lz4.level', '9'],
  ['compression.zstd.level', '3'],
  ['log.cleaner.max.compaction.lag.ms', '9223372036854775807'],
  ['log.index.size.max.bytes', '10485760'],
  ['log.local.retention.bytes', '-2'],
  ['log.local.retention.ms', '-2'],
  ['log.message.timestamp.after.max.ms', '9223372036854775807'],
  ['log.message.timestamp.before.max.ms', '9223372036854775807'],
  ['log.preallocate', 'false'],
  ['log.roll.jitter.ms', '0'],
  ['log.segment.delete.delay.ms', '60000'],
  ['unclean.leader.election.enable', 'false'],
  ['min.insync.replicas', '1'],
  ['group.min.session.timeout.ms', '6000'],
  ['group.max.session.timeout.ms', '1800000'],
  ['group.initial.rebalance.delay.ms', '3000'],
  ['group.max.size', '2147483647'],
  ['offsets.retention.minutes', '10080'],
  ['offsets.retention.check.interval.ms', '600000'],
  ['offset.metadata.max.bytes', '4096'],
  ['producer.id.expiration.ms', '86400000'],
  ['max.incremental.fetch.session.cache.slots', '1000'],
  ['fetch.max.bytes', '57671680'],
  // Security (TLS listeners, SASL). Kafka's names; PEM key/trust stores only.
  ['ssl.keystore.type', 'PEM'],
  ['ssl.keystore.location', ''],
  ['ssl.key.password', ''],
  ['ssl.truststore.type', 'PEM'],
  ['ssl.truststore.location', ''],
  ['ssl.client.auth', 'none'],
  // Kafka's default is GSSAPI; Tributary serves API keys.
  ['sasl.enabled.mechanisms', 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512'],
  ['sasl.server.max.receive.size', '524288'],
  ['connections.max.reauth.ms', '0'],
  // Kafka's default is 100 ms; a managed service on the internet holds failures longer.
  ['connection.failed.authentication.delay.ms', '1000'],
  // Tributary-specific: SCRAM iterations for new credentials (Kafka sets them per user).
  ['sasl.scram.iterations', '4096'],
  // ACLs (security/acl). Kafka names the authorizer by class (authorizer.class.name); Tributary
  // has one, switched on here. Off, every request is allowed, as Kafka without an authorizer.
  ['authorizer.enabled', 'false'],
  ['super.users', ''],
  ['allow.everyone.if.no.acl.found', 'false'],
  // Client quotas: Kafka's sampled window; the throttle cap is Tributary's (Kafka has none
  // for byte rates), kept under the clients' request timeouts.
  ['quota.window.num', '11'],
  ['quota.window.size.seconds', '1'],
  ['quota.max.throttle.time.ms', '10000'],
  // Tributary-specific: how often usage counters are saved (what a crash can lose at most).
  ['usage.flush.interval.ms', '5000'],
  // Tiered storage (KIP-405). Kafka's switch and copy interval; the remote storage manager's
  // settings carry Kafka's `rsm.config.` prefix with the names of the widely used S3 plugin.
  ['remote.log.storage.system.enable', 'false'],
  // Tributary-specific (named after Kafka's default.replication.factor): new topics are created
  // with remote.storage.enable=true unless the request says otherwise or the topic is
  // compacted, while the system switch above is on. Plans set it (control plane, plans.ts).
  ['default.remote.storage.enable', 'false'],
  ['remote.log.manager.task.interval.ms', '30000'],
  ['remote.log.manager.copier.thread.pool.size', '4'],
  // KIP-956's copy quota over all partitions; Kafka's default Long.MAX_VALUE = none.
  ['remote.log.manager.copy.max.bytes.per.second', '9223372036854775807'],
  // ...and on bytes served from remote storage (over it, a fetch gets no remote data).
  ['remote.log.manager.fetch.max.bytes.per.second', '9223372036854775807'],
  // Longest wait for a remote read; then the fetch is answered without that partition's data
  // (no error) and the read goes on, so the next fetch finds it cached (Kafka, KIP-1018).
  ['remote.fetch.max.wait.ms', '500'],
  ['rsm.config.storage.s3.endpoint.url', ''],
  ['rsm.config.storage.s3.region', 'us-east-1'],
  ['rsm.config.storage.s3.bucket.name', ''],
  ['rsm.config.storage.s3.path.style.access.enabled', 'false'],
  ['rsm.config.storage.aws.access.key.id', ''],
  ['rsm.config.storage.aws.secret.access.key', ''],
  ['rsm.config.storage.s3.api.call.timeout', '30000'],
  // Prepended to every object key; keys then go on with clusters/{cluster id}/.
  ['rsm.config.key.prefix', ''],
  // The cluster id in object keys (one prefix per cluster); empty = this broker's cluster id.
  ['rsm.config.cluster.id', ''],
  // Remote reads: range-GET granularity; the cache's hard cap on fetched + in-flight bytes;
  // the read-ahead window kept ahead of a consumer reading forward (filled by up to 4 GETs in
  // flight, larger ranges further ahead; it runs on into the next remote segment). 16 MiB: a
  // 2 MiB window kept a catching-up consumer waiting on 1 MiB GETs one or two at a time.
  ['rsm.config.fetch.chunk.size', '1048576'],
  ['rsm.config.fetch.chunk.cache.size', '67108864'],
  ['rsm.config.fetch.chunk.cache.prefetch.max.size', '16777216'],
]);

/** Kafka PASSWORD-type properties: DescribeConfigs reports them as sensitive, without a value. */
export const SENSITIVE_BROKER_CONFIGS: ReadonlySet<string> = new Set([
  'ssl.key.password',
  'rsm.config.storage.aws.secret.access.key',
]);

export function configString(config: BrokerConfig, key: string): string {
  const v = config.props.get(key) ?? BROKER_DEFAULTS.get(key);
  if (v === undefined) throw new Error(`unknown broker config ${key}`);
  return v;
}

export function configNumber(config: BrokerConfig, key: string): number {
  const n = Number(configString(config, key));
  if (!Number.isFinite(n)) throw new Error(`broker config ${key} is not a number`);
  return n;
}

export function configBool(config: BrokerConfig, key: string): boolean {
  return configString(config, key) === 'true';
}
