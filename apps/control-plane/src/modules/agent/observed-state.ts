/**
 * What an agent's observation of a pool changes, as pure rules (the apply-observed-state use
 * case writes them through AgentPoolsRepository): the cluster RUNNING once the pool runs the
 * spec's pool generation, DELETED once the pool is gone, FAILED with the agent's message;
 * API keys READY once in force (deleted keys vanish once the pool no longer has them);
 * topics READY / FAILED / removed.
 */
import type { PoolObservation } from '@tributary/contracts';
import type { ApiKeyStatus, KafkaCluster, Topic } from '@tributary/db';

/** The cluster row's new values; a new `status` is a new version of the cluster too. */
export interface ClusterChange {
  observedGeneration: number;
  bootstrap: string | null;
  status?: 'RUNNING' | 'FAILED' | 'DELETED';
  statusReason?: string | null;
  liveName?: null;
  /** The pending / running operation the observation finishes. */
  finishes?: { kind: 'cluster.create' | 'cluster.delete'; ok: boolean; error: string | null };
}

type ClusterState = Pick<KafkaCluster, 'status' | 'statusReason' | 'bootstrap' | 'poolGeneration'>;

export function clusterChange(c: ClusterState, pool: PoolObservation): ClusterChange {
  const change: ClusterChange = {
    observedGeneration: pool.observedGeneration,
    // A broker restarting makes the agent report no endpoint for a moment; clients keep the
    // last known one (it does not change: ports are the pool's).
    bootstrap: pool.bootstrap ?? c.bootstrap,
  };
  const caughtUp = pool.observedGeneration >= c.poolGeneration;
  if (c.status === 'DELETING') {
    if (pool.phase === 'DELETED' && caughtUp) {
      Object.assign(change, {
        status: 'DELETED',
        liveName: null,
        bootstrap: null,
        statusReason: null,
        finishes: { kind: 'cluster.delete', ok: true, error: null },
      });
    }
  } else if (c.status !== 'DELETED') {
    if (pool.phase === 'FAILED') {
      const reason = pool.message ?? 'the pool failed';
      Object.assign(change, {
        status: 'FAILED',
        statusReason: reason,
        finishes: { kind: 'cluster.create', ok: false, error: reason },
      });
    } else if (pool.phase === 'RUNNING' && caughtUp && c.status !== 'RUNNING') {
      Object.assign(change, {
        status: 'RUNNING',
        statusReason: null,
        finishes: { kind: 'cluster.create', ok: true, error: null },
      });
    } else if (pool.phase === 'DEGRADED' && c.status === 'RUNNING') {
      change.statusReason = pool.message ?? 'degraded';
    } else if (pool.phase === 'RUNNING' && c.status === 'RUNNING' && c.statusReason !== null) {
      // Back from DEGRADED without leaving RUNNING: the reason no longer holds.
      change.statusReason = null;
    }
  }
  return change;
}

export interface KeyChanges {
  ready: string[];
  gone: string[];
}

export function keyChanges(
  keys: { id: string; status: ApiKeyStatus }[],
  pool: PoolObservation,
): KeyChanges {
  const inForce = new Set(pool.credentials);
  return {
    ready: keys.filter((k) => k.status === 'PROVISIONING' && inForce.has(k.id)).map((k) => k.id),
    gone: keys.filter((k) => k.status === 'DELETING' && !inForce.has(k.id)).map((k) => k.id),
  };
}

export interface TopicChanges {
  /** Deleted topics the pool no longer has. */
  gone: string[];
  failed: { id: string; reason: string | null }[];
  ready: string[];
}

export function topicChanges(topics: Topic[], pool: PoolObservation): TopicChanges {
  const observed = new Map(pool.topics.map((t) => [t.name, t]));
  const errors = new Map(pool.topicErrors.map((e) => [e.name, e.error]));
  const changes: TopicChanges = { gone: [], failed: [], ready: [] };
  for (const t of topics) {
    const o = observed.get(t.name);
    if (t.status === 'DELETING') {
      if (!o && !errors.has(t.name)) changes.gone.push(t.id);
    } else if (errors.has(t.name)) {
      changes.failed.push({ id: t.id, reason: errors.get(t.name) ?? null });
    } else if (
      o &&
      o.partitions >= t.partitions &&
      configsApplied(t.configs, o.configs) &&
      t.status !== 'READY'
    ) {
      changes.ready.push(t.id);
    }
  }
  return changes;
}

function configsApplied(desired: unknown, observed: Record<string, string>): boolean {
  return Object.entries((desired ?? {}) as Record<string, string>).every(
    ([k, v]) => observed[k] === v,
  );
}
