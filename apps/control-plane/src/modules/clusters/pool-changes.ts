/**
 * Every change an agent must apply to a pool goes through here: `apply` runs the change in a
 * transaction that also moves the cluster's spec generation and its agent's revision, and
 * after the commit wakes the agent's waiting long-polls — in this process at once, in the
 * other API processes through Redis (platform/agent-wakeups.ts), where the worker publishes
 * its changes too. `events` emits the agent id for both.
 */
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { ClusterId, OrgId, Tx } from '@tributary/db';
import { publishAgentRevision, subscribeAgentRevisions } from '../../platform/agent-wakeups.js';
import { REDIS } from '../../platform/tokens.js';
import { Transactions } from '../../platform/transactions.js';
import { ClustersRepository } from './clusters.repository.js';

@Injectable()
export class PoolChanges implements OnModuleInit, OnApplicationShutdown {
  readonly events = new EventEmitter().setMaxListeners(0);
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * Runs `work` in a transaction that also moves the cluster's spec generation and its
   * agent's revision, then wakes the agent after the commit. Returns what `work` returned.
   */
  async apply<T>(orgId: OrgId, clusterId: ClusterId, work: (tx: Tx) => Promise<T>): Promise<T> {
    let agentId: string | null = null;
    const result = await this.transactions.run(async (tx) => {
      const r = await work(tx);
      agentId = await this.clusters.bumpGeneration(orgId, clusterId, tx);
      return r;
    });
    this.notify(agentId);
    return result;
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await subscribeAgentRevisions(this.redis, (agentId) =>
      this.events.emit(agentId),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.();
  }

  private notify(agentId: string | null): void {
    if (!agentId) return;
    this.events.emit(agentId);
    publishAgentRevision(this.redis, agentId);
  }
}
