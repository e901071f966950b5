/**
 * Every change an agent must apply to a pool goes through here, inside the transaction that
 * makes it: the cluster's spec generation and its agent's revision both increase. After the
 * commit, `notify` wakes the agent's waiting long-polls — in this process at once, in the
 * other API processes through Redis (platform/agent-wakeups.ts), where the worker publishes
 * its changes too. `events` emits the agent id for both.
 */
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { ClusterId, OrgId, Tx } from '@tributary/db';
import { publishAgentRevision, subscribeAgentRevisions } from '../../platform/agent-wakeups.js';
import { REDIS } from '../../platform/tokens.js';
import { ClustersRepository } from './clusters.repository.js';

@Injectable()
export class PoolChanges implements OnModuleInit, OnApplicationShutdown {
  readonly events = new EventEmitter().setMaxListeners(0);
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await subscribeAgentRevisions(this.redis, (agentId) =>
      this.events.emit(agentId),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Call inside the transaction; returns the agent to notify after commit. */
  bump(tx: Tx, orgId: OrgId, clusterId: ClusterId, opts: { pool?: boolean } = {}) {
    return this.clusters.bumpGeneration(orgId, clusterId, tx, opts);
  }

  notify(agentId: string | null): void {
    if (!agentId) return;
    this.events.emit(agentId);
    publishAgentRevision(this.redis, agentId);
  }
}
