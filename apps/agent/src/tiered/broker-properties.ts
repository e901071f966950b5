/**
 * The broker properties that point a pool at the region's S3 (Kafka's KIP-405 switch and the
 * `rsm.config.*` settings the broker reads, apps/broker/src/tiered/remote-storage.ts), and
 * the guard that keeps a pool spec from overriding them: a tenant plan must not point a pool
 * at another cluster's prefix, another bucket or another endpoint.
 */
import type { S3Settings } from './s3-settings.js';

/** Broker property prefixes only the agent sets; a spec's brokerConfig may not use them. */
export const RESERVED_BROKER_CONFIG_PREFIXES: readonly string[] = ['rsm.', 'remote.log.storage.'];

export class ReservedBrokerConfigError extends Error {
  override name = 'ReservedBrokerConfigError';
}

export function reservedBrokerConfigKeys(brokerConfig: Record<string, string>): string[] {
  return Object.keys(brokerConfig)
    .filter((k) => RESERVED_BROKER_CONFIG_PREFIXES.some((p) => k.startsWith(p)))
    .sort();
}

/** Throws when the spec tries to set a property the agent owns. */
export function checkBrokerConfig(brokerConfig: Record<string, string>): void {
  const reserved = reservedBrokerConfigKeys(brokerConfig);
  if (reserved.length > 0)
    throw new ReservedBrokerConfigError(
      `brokerConfig ${reserved.join(', ')} refused: ${RESERVED_BROKER_CONFIG_PREFIXES.map((p) => `${p}*`).join(' and ')} are set by the agent (the region's S3 and the cluster's prefix)`,
    );
}

export interface TieredBrokerProperties {
  /** Safe to show (command line, manifests). */
  properties: Record<string, string>;
  /** The key pair, for a 0600 file or a Secret only; empty without static credentials. */
  secrets: Record<string, string>;
}

/** What one cluster's brokers need; object keys go under `{prefix}clusters/{clusterId}/`. */
export function tieredBrokerProperties(s3: S3Settings, clusterId: string): TieredBrokerProperties {
  const properties: Record<string, string> = {
    'remote.log.storage.system.enable': 'true',
    'rsm.config.storage.s3.region': s3.region,
    'rsm.config.storage.s3.bucket.name': s3.bucket,
    'rsm.config.storage.s3.path.style.access.enabled': String(s3.pathStyle),
    'rsm.config.cluster.id': clusterId,
  };
  if (s3.endpoint) properties['rsm.config.storage.s3.endpoint.url'] = s3.endpoint;
  if (s3.prefix) properties['rsm.config.key.prefix'] = s3.prefix;
  const secrets: Record<string, string> = s3.credentials
    ? {
        'rsm.config.storage.aws.access.key.id': s3.credentials.accessKeyId,
        'rsm.config.storage.aws.secret.access.key': s3.credentials.secretAccessKey,
      }
    : {};
  return { properties, secrets };
}
