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

export interface Plan {
  name: ClusterPlan;
  description: string;
  /** null: chosen per cluster (dedicated). */
  brokers: number | null;
  /** False until the broker replicates between pool members. */
  available: boolean;
  limits: PlanLimits;
  resources: { cpuMillis: number; memoryMiB: number };
}

const MiB = 1024 * 1024;

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
});
