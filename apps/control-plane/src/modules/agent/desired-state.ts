/**
 * An agent's desired state: one PoolSpec per cluster assigned to it, composed from the
 * stored pool base (written by the provisioning job) and the cluster's current API keys
 * (derived material only), ACLs and managed topics.
 */
import type { PoolSpecJson } from '@tributary/contracts';

export interface DesiredStateJson {
  revision: number;
  pools: PoolSpecJson[];
}
import type { Db } from '@tributary/db';
import type { PoolBase } from '../clusters/plans.js';

/** The wire form (derived credentials as base64 strings, as stored). */
export async function desiredStateFor(db: Db, agentId: string): Promise<DesiredStateJson> {
  return db.$transaction(
    async (tx) => {
      const agent = await tx.agent.findUniqueOrThrow({ where: { id: agentId } });
      const specs = await tx.poolSpec.findMany({
        where: { agentId },
        orderBy: { clusterId: 'asc' },
      });
      const ids = specs.map((s) => s.clusterId);
      const [clusters, keys, acls, topics] = await Promise.all([
        tx.kafkaCluster.findMany({
          where: { id: { in: ids } },
          select: { id: true, generation: true },
        }),
        tx.clusterApiKey.findMany({
          where: { clusterId: { in: ids }, status: { not: 'DELETING' } },
          orderBy: { id: 'asc' },
        }),
        tx.acl.findMany({ where: { clusterId: { in: ids } }, orderBy: { id: 'asc' } }),
        tx.topic.findMany({ where: { clusterId: { in: ids } }, orderBy: { name: 'asc' } }),
      ]);
      const generation = new Map(clusters.map((c) => [c.id, c.generation]));
      const pools = specs.map((s): PoolSpecJson => {
        const base = s.base as unknown as PoolBase;
        const deleted = s.state === 'DELETED';
        return {
          clusterId: s.clusterId,
          generation: generation.get(s.clusterId) ?? 1,
          state: deleted ? 'DELETED' : 'RUNNING',
          brokers: base.brokers,
          resources: base.resources,
          brokerConfig: base.brokerConfig,
          limits: base.limits,
          credentials: deleted
            ? []
            : keys
                .filter((k) => k.clusterId === s.clusterId)
                .map((k) => ({
                  id: k.id,
                  principal: k.principal,
                  derived: k.derived as never,
                  expiresAt: null,
                })),
          acls: deleted
            ? []
            : acls
                .filter((a) => a.clusterId === s.clusterId)
                .map((a) => ({
                  resourceType: a.resourceType as never,
                  resourceName: a.resourceName,
                  patternType: a.patternType as never,
                  principal: a.principal,
                  host: a.host,
                  operation: a.operation as never,
                  permissionType: a.permissionType as never,
                })),
          topics: deleted
            ? []
            : topics
                .filter((t) => t.clusterId === s.clusterId)
                .map((t) => ({
                  name: t.name,
                  state: t.status === 'DELETING' ? ('ABSENT' as const) : ('PRESENT' as const),
                  partitions: t.partitions,
                  configs: t.configs as Record<string, string>,
                })),
        };
      });
      return { revision: agent.revision, pools };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}
