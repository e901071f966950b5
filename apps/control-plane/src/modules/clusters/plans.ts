/**
 * The plan catalog: what each cluster plan gives and how it becomes a pool (brokers,
 * resources, broker properties and the broker's limits document —
 * apps/broker/src/quotas/README.md).
 */
import type { ClusterPlan } from '@tributary/db';

export interface PlanLimits {
  maxPartitions: number;
  produceBytesPerSecond: number;
  fetchBytesPerSecond: number;
  storageGiB: number;
  maxMessageBytes: number;
  maxConnections: number;
}

/**
 * A plan's tiered-storage defaults for new topics (KIP-405 configs). They take effect where
 * the region has S3 (the agent's --s3-* settings turn on remote.log.storage.system.enable);
 * without it, topics stay local and a topic asking for remote.storage.enable is refused.
 */
export interface PlanTiering {
  /** New topics get remote.storage.enable=true unless they say otherwise or are compacted. */
  enabledByDefault: boolean;
  /** Broker default segment size and roll time: a segment is tiered once it is closed. */
  segmentBytes: number;
  segmentMs: number;
  /** Broker defaults for local.retention.ms / .bytes (per partition): the hot set on disk. */
  localRetentionMs: number;
  localRetentionBytes: number;
}

export interface Plan {
  name: ClusterPlan;
  description: string;
  /** null: chosen per cluster (dedicated). */
  brokers: number | null;
  /** False until the broker replicates between pool members. */
  available: boolean;
  limits: PlanLimits;
  tiering: PlanTiering;
  resources: { cpuMillis: number; memoryMiB: number };
}

const MiB = 1024 * 1024;
const HOUR = 3_600_000;

export const PLANS: Record<ClusterPlan, Plan> = {
  basic: {
    name: 'basic',
    description: 'one broker; for development and small workloads',
    brokers: 1,
    available: true,
    limits: {
      maxPartitions: 100,
      produceBytesPerSecond: 10 * MiB,
      fetchBytesPerSecond: 30 * MiB,
      storageGiB: 10,
      maxMessageBytes: 1 * MiB + 12,
      maxConnections: 200,
    },
    tiering: {
      enabledByDefault: true,
      segmentBytes: 64 * MiB,
      segmentMs: 1 * HOUR,
      localRetentionMs: 1 * HOUR,
      localRetentionBytes: 128 * MiB,
    },
    resources: { cpuMillis: 1000, memoryMiB: 512 },
  },
  standard: {
    name: 'standard',
    description: 'three brokers, replicated',
    brokers: 3,
    available: false,
    limits: {
      maxPartitions: 1500,
      produceBytesPerSecond: 50 * MiB,
      fetchBytesPerSecond: 150 * MiB,
      storageGiB: 500,
      maxMessageBytes: 8 * MiB,
      maxConnections: 1000,
    },
    tiering: {
      enabledByDefault: true,
      segmentBytes: 256 * MiB,
      segmentMs: 4 * HOUR,
      localRetentionMs: 6 * HOUR,
      localRetentionBytes: 1024 * MiB,
    },
    resources: { cpuMillis: 2000, memoryMiB: 2048 },
  },
  dedicated: {
    name: 'dedicated',
    description: 'N brokers for one tenant, replicated',
    brokers: null,
    available: false,
    limits: {
      maxPartitions: 4500,
      produceBytesPerSecond: 250 * MiB,
      fetchBytesPerSecond: 750 * MiB,
      storageGiB: 5000,
      maxMessageBytes: 8 * MiB,
      maxConnections: 10000,
    },
    tiering: {
      enabledByDefault: true,
      segmentBytes: 1024 * MiB,
      segmentMs: 24 * HOUR,
      localRetentionMs: 24 * HOUR,
      localRetentionBytes: 4096 * MiB,
    },
    resources: { cpuMillis: 4000, memoryMiB: 8192 },
  },
};

/** The pool spec's fixed part for a plan (credentials, ACLs and topics are added per read). */
export function poolBase(plan: Plan, brokers: number) {
  return {
    brokers,
    resources: { ...plan.resources, storageGiB: plan.limits.storageGiB },
    brokerConfig: {
      'authorizer.enabled': 'true',
      'allow.everyone.if.no.acl.found': 'false',
      'message.max.bytes': String(plan.limits.maxMessageBytes),
      'default.remote.storage.enable': String(plan.tiering.enabledByDefault),
      'log.segment.bytes': String(plan.tiering.segmentBytes),
      'log.roll.ms': String(plan.tiering.segmentMs),
      'log.local.retention.ms': String(plan.tiering.localRetentionMs),
      'log.local.retention.bytes': String(plan.tiering.localRetentionBytes),
      // Kafka's 5 min / 30 s suit large brokers; a pool frees disk once its segments are in S3
      // within ~25 s (a copy pass, then a retention pass) instead of up to 5.5 min.
      'log.retention.check.interval.ms': '15000',
      'remote.log.manager.task.interval.ms': '10000',
    },
    limits: {
      cluster: {
        produceBytesPerSecond: plan.limits.produceBytesPerSecond,
        fetchBytesPerSecond: plan.limits.fetchBytesPerSecond,
        maxConnections: plan.limits.maxConnections,
        maxPartitions: plan.limits.maxPartitions,
        maxMessageBytes: plan.limits.maxMessageBytes,
      },
      quotas: [],
    },
  };
}
export type PoolBase = ReturnType<typeof poolBase>;

export const planView = (p: Plan) => ({
  name: p.name,
  description: p.description,
  brokers: p.brokers,
  available: p.available,
  limits: {
    max_partitions: p.limits.maxPartitions,
    produce_bytes_per_second: p.limits.produceBytesPerSecond,
    fetch_bytes_per_second: p.limits.fetchBytesPerSecond,
    storage_gib: p.limits.storageGiB,
    max_message_bytes: p.limits.maxMessageBytes,
    max_connections: p.limits.maxConnections,
  },
  tiered_storage: {
    enabled_by_default: p.tiering.enabledByDefault,
    segment_bytes: p.tiering.segmentBytes,
    segment_ms: p.tiering.segmentMs,
    local_retention_ms: p.tiering.localRetentionMs,
    local_retention_bytes: p.tiering.localRetentionBytes,
  },
});
