/**
 * Every change an agent must apply to a pool goes through here, inside the transaction that
 * makes it: the cluster's spec generation and its agent's revision both increase, and
 * waiting long-polls in this process wake at once (others notice within their poll step).
 */
import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { ClusterId, OrgId, Tx } from '@tributary/db';
import { ClustersRepository } from './clusters.repository.js';

@Injectable()
export class PoolChanges {
  readonly events = new EventEmitter().setMaxListeners(0);

  constructor(@Inject(ClustersRepository) private readonly clusters: ClustersRepository) {}

  /** Call inside the transaction; returns the agent to notify after commit. */
  bump(tx: Tx, orgId: OrgId, clusterId: ClusterId, opts: { pool?: boolean } = {}) {
    return this.clusters.bumpGeneration(orgId, clusterId, tx, opts);
  }

  notify(agentId: string | null): void {
    if (agentId) this.events.emit(agentId);
  }
}
