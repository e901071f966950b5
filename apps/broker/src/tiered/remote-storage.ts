/**
 * The broker's tiered storage, from its properties: remote.log.storage.system.enable turns it
 * on; the rsm.config.* properties name the S3 endpoint, region, bucket, key prefix,
 * credentials and path-style addressing, and size the read-ahead cache (rsm.config.fetch.*:
 * chunk size, cache cap, read-ahead window); remote.fetch.max.wait.ms bounds how long a fetch
 * waits for S3 before it is answered without that partition's data. Object keys start
 * with `{rsm.config.key.prefix}clusters/{cluster id}/` — one prefix per cluster.
 * Bad or missing settings stop the broker at start-up.
 */
import { RemoteLogManager, S3ObjectStore } from '@tributary/tiered-storage';
import {
  type BrokerConfig,
  configBool,
  configNumber,
  configString,
} from '../config/broker-config.js';
import type { Logger } from '../logger.js';
import type { DataDir } from '../storage/data-dir.js';

export function remoteStorageEnabled(config: BrokerConfig): boolean {
  return configBool(config, 'remote.log.storage.system.enable');
}

export function createRemoteLogManager(
  config: BrokerConfig,
  dir: DataDir,
  clusterId: string,
  log: Logger,
): RemoteLogManager | null {
  if (!remoteStorageEnabled(config)) return null;
  const bucket = configString(config, 'rsm.config.storage.s3.bucket.name');
  if (bucket === '') {
    throw new Error(
      'remote.log.storage.system.enable=true needs rsm.config.storage.s3.bucket.name',
    );
  }
  const accessKeyId = configString(config, 'rsm.config.storage.aws.access.key.id');
  const secretAccessKey = configString(config, 'rsm.config.storage.aws.secret.access.key');
  if ((accessKeyId === '') !== (secretAccessKey === '')) {
    throw new Error(
      'rsm.config.storage.aws.access.key.id and rsm.config.storage.aws.secret.access.key go together',
    );
  }
  const chunkSize = configNumber(config, 'rsm.config.fetch.chunk.size');
  const prefetch = configNumber(config, 'rsm.config.fetch.chunk.cache.prefetch.max.size');
  const cacheBytes = configNumber(config, 'rsm.config.fetch.chunk.cache.size');
  if (!(chunkSize > 0) || !(cacheBytes >= chunkSize)) {
    throw new Error(
      'rsm.config.fetch.chunk.cache.size must be at least rsm.config.fetch.chunk.size (> 0)',
    );
  }
  if (!(prefetch >= 0) || prefetch > cacheBytes) {
    throw new Error(
      'rsm.config.fetch.chunk.cache.prefetch.max.size must be between 0 and rsm.config.fetch.chunk.cache.size',
    );
  }
  const remoteFetchMaxWaitMs = configNumber(config, 'remote.fetch.max.wait.ms');
  if (!(remoteFetchMaxWaitMs >= 1)) throw new Error('remote.fetch.max.wait.ms must be at least 1');
  const store = new S3ObjectStore({
    endpoint: configString(config, 'rsm.config.storage.s3.endpoint.url') || undefined,
    region: configString(config, 'rsm.config.storage.s3.region'),
    bucket,
    forcePathStyle: configBool(config, 'rsm.config.storage.s3.path.style.access.enabled'),
    credentials: accessKeyId ? { accessKeyId, secretAccessKey } : undefined,
    requestTimeoutMs: configNumber(config, 'rsm.config.storage.s3.api.call.timeout'),
  });
  const prefixCluster = configString(config, 'rsm.config.cluster.id') || clusterId;
  log.info(
    `tiered storage: s3://${bucket}/${configString(config, 'rsm.config.key.prefix')}clusters/${prefixCluster}/`,
  );
  return new RemoteLogManager({
    store,
    metadataDir: dir.remoteLogMetadataDir,
    keyPrefix: configString(config, 'rsm.config.key.prefix'),
    clusterId: prefixCluster,
    taskIntervalMs: configNumber(config, 'remote.log.manager.task.interval.ms'),
    chunkSize,
    cacheBytes,
    readAheadChunks: Math.floor(prefetch / chunkSize),
    copyConcurrency: configNumber(config, 'remote.log.manager.copier.thread.pool.size'),
    copyBytesPerSecond: byteRate(config, 'remote.log.manager.copy.max.bytes.per.second'),
    fetchBytesPerSecond: byteRate(config, 'remote.log.manager.fetch.max.bytes.per.second'),
    remoteFetchMaxWaitMs,
    logger: log,
  });
}

/** A KIP-956 byte-rate property as a number; undefined = no quota (Long.MAX_VALUE). */
function byteRate(config: BrokerConfig, key: string): number | undefined {
  const raw = configString(config, key).trim();
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n <= 0)
    throw new Error(`${key} must be a positive integer, not "${raw}"`);
  return n >= Number.MAX_SAFE_INTEGER ? undefined : n;
}

/** Kafka's text form of a topic id (URL-safe base64 of its 16 bytes), used in object keys. */
export function kafkaTopicId(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}
