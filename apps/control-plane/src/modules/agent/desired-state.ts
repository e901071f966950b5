/**
 * An agent's desired state: one PoolSpec per cluster assigned to it, composed from the
 * stored pool base (written by the provisioning job) and the cluster's current API keys
 * (derived material only), ACLs and managed topics. Pure: the rows come from
 * AgentPoolsRepository.desiredRows, read in one repeatable-read transaction.
 */
import type { PoolSpecJson } from '@tributary/contracts';
import type { Acl, ClusterApiKey, PoolSpec, Topic } from '@tributary/db';
import type { PoolBase } from '../clusters/plans.js';

export interface DesiredStateJson {
  revision: number;
  pools: PoolSpecJson[];
}

/** The agent's pool specs (by cluster id) and what they are composed with. */
export interface DesiredStateRows {
  specs: PoolSpec[];
  clusters: { id: string; generation: number }[];
  /** Keys not being deleted, by id. */
  keys: ClusterApiKey[];
  acls: Acl[];
  topics: Topic[];
}

/** The wire form (derived credentials as base64 strings, as stored). */
export function composeDesiredState(revision: number, rows: DesiredStateRows): DesiredStateJson {
  const { specs, clusters, keys, acls, topics } = rows;
  const generation = new Map(clusters.map((c) => [c.id, c.generation]));
  const pools = specs.map((s): PoolSpecJson => {
    const base = s.base as unknown as PoolBase;
    const deleted = s.state === 'DELETED';
    /** This pool's rows (none once it is DELETED). */
    const mine = <T extends { clusterId: string }>(rows: T[]): T[] =>
      deleted ? [] : rows.filter((r) => r.clusterId === s.clusterId);
    return {
      clusterId: s.clusterId,
      generation: generation.get(s.clusterId) ?? 1,
      state: deleted ? 'DELETED' : 'RUNNING',
      brokers: base.brokers,
      resources: base.resources,
      brokerConfig: base.brokerConfig,
      limits: base.limits,
      credentials: mine(keys).map((k) => ({
        id: k.id,
        principal: k.principal,
        derived: k.derived as never,
        expiresAt: null,
      })),
      acls: mine(acls).map((a) => ({
        resourceType: a.resourceType as never,
        resourceName: a.resourceName,
        patternType: a.patternType as never,
        principal: a.principal,
        host: a.host,
        operation: a.operation as never,
        permissionType: a.permissionType as never,
      })),
      topics: mine(topics).map((t) => ({
        name: t.name,
        state: t.status === 'DELETING' ? ('ABSENT' as const) : ('PRESENT' as const),
        partitions: t.partitions,
        configs: t.configs as Record<string, string>,
      })),
    };
  });
  return { revision, pools };
}
