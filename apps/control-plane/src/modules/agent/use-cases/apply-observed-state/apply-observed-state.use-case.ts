/**
 * Applies an agent's observed state: notes when it reported, then per pool, in one
 * transaction, stores the latest observation and moves the statuses (observed-state.ts).
 * Pools of clusters the agent does not run are ignored.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ObservedState } from '@tributary/contracts';
import { asClusterId, asOrgId, type AgentId } from '@tributary/db';
import { DeletionHooks } from '../../../../platform/deletion-hooks.js';
import { Transactions } from '../../../../platform/transactions.js';
import { AgentPoolsRepository } from '../../agent-pools.repository.js';
import { AgentsRepository } from '../../agents.repository.js';
import { clusterChange, keyChanges, topicChanges } from '../../observed-state.js';

@Injectable()
export class ApplyObservedStateUseCase {
  constructor(
    @Inject(AgentsRepository) private readonly agents: AgentsRepository,
    @Inject(AgentPoolsRepository) private readonly pools: AgentPoolsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
  ) {}

  async execute(agentId: AgentId, state: ObservedState): Promise<void> {
    await this.agents.recordSeen(agentId, state.agentVersion.slice(0, 100));
    for (const pool of state.pools) {
      await this.transactions.run(async (tx) => {
        const cluster = await this.pools.cluster(agentId, pool.clusterId, tx);
        if (!cluster) return; // not this agent's pool: ignore
        await this.pools.saveObservation(cluster, pool, tx);
        const change = clusterChange(cluster, pool);
        await this.pools.applyClusterChange(cluster, change, tx);
        // The pool is gone: what other contexts keep for the cluster (keys, topics, ACLs) goes.
        if (change.status === 'DELETED')
          await this.hooks.cascade(
            'cluster',
            { orgId: asOrgId(cluster.orgId), clusterId: asClusterId(cluster.id) },
            tx,
          );
        const keys = await this.pools.keysOf(cluster, tx);
        await this.pools.applyKeyChanges(cluster, keyChanges(keys, pool), tx);
        const topics = await this.pools.topicsOf(cluster, tx);
        await this.pools.applyTopicChanges(cluster, topicChanges(topics, pool), tx);
      });
    }
  }
}
