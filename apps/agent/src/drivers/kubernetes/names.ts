/**
 * Names, labels and DNS names of one pool's Kubernetes objects, derived from the cluster id
 * alone so the driver finds a pool's objects again after a restart. All pools live in one
 * namespace (see infra/README.md, "One namespace for all pools"), so every name carries the
 * cluster id.
 */
import { createHash } from 'node:crypto';

export const CLUSTER_ID_LABEL = 'tributary.dev/cluster-id';
export const MANAGED_BY = 'tributary-agent';
export const BROKER_APP_NAME = 'tributary-broker';
/** Field manager of every server-side apply; kubectl users see it in managedFields. */
export const FIELD_MANAGER = 'tributary-agent';

export const KAFKA_PORT = 9093;
export const ADMIN_PORT = 9644;

/** A label value: at most 63 characters, alphanumeric at both ends. */
const LABEL_VALUE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/**
 * Longest base name used as is. Pod names add `-<ordinal>` (up to 3 characters) and the
 * StatefulSet controller labels pods with `controller-revision-hash: <name>-<10 chars>`,
 * which must stay within 63 characters.
 */
const MAX_BASE = 45;

export class UnsupportedClusterIdError extends Error {
  override name = 'UnsupportedClusterIdError';
}

export interface PoolNames {
  clusterId: string;
  namespace: string;
  /** StatefulSet, bootstrap Service, PodDisruptionBudget and NetworkPolicy. */
  base: string;
  /** Headless Service: gives each pod a stable DNS name. */
  headless: string;
  /** Secret holding the pool's admin token. */
  adminSecret: string;
  /** Name of pod `ordinal` (also of its per-broker Service when exposed externally). */
  pod(ordinal: number): string;
  /** Stable in-cluster DNS name of pod `ordinal`. */
  podHost(ordinal: number): string;
}

export function poolNames(clusterId: string, namespace: string, clusterDomain: string): PoolNames {
  if (!LABEL_VALUE.test(clusterId))
    throw new UnsupportedClusterIdError(
      `cluster id ${clusterId} cannot be a Kubernetes label value (at most 63 characters of a-z, 0-9 and '-', alphanumeric at both ends)`,
    );
  const wanted = `kafka-${clusterId}`;
  const base =
    wanted.length <= MAX_BASE
      ? wanted
      : `kafka-${clusterId.slice(0, 28).replace(/-+$/, '')}-${createHash('sha256').update(clusterId).digest('hex').slice(0, 10)}`;
  const headless = `${base}-brokers`;
  return {
    clusterId,
    namespace,
    base,
    headless,
    adminSecret: `${base}-admin`,
    pod: (ordinal) => `${base}-${ordinal}`,
    podHost: (ordinal) => `${base}-${ordinal}.${headless}.${namespace}.svc.${clusterDomain}`,
  };
}

/** Labels on every object of a pool. */
export function poolLabels(names: PoolNames): Record<string, string> {
  return {
    'app.kubernetes.io/component': 'kafka-broker',
    'app.kubernetes.io/instance': names.base,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/name': BROKER_APP_NAME,
    'app.kubernetes.io/part-of': 'tributary',
    [CLUSTER_ID_LABEL]: names.clusterId,
  };
}

/** Selects a pool's pods. Immutable on a StatefulSet, so it never changes. */
export function podSelector(names: PoolNames): Record<string, string> {
  return {
    'app.kubernetes.io/instance': names.base,
    'app.kubernetes.io/name': BROKER_APP_NAME,
  };
}

/** Label selector (query form) for everything of one pool, or of all pools when no id. */
export function poolLabelSelector(clusterId?: string): string {
  const owner = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
  return clusterId === undefined
    ? `${owner},${CLUSTER_ID_LABEL}`
    : `${owner},${CLUSTER_ID_LABEL}=${clusterId}`;
}
