/**
 * Every change an agent must apply to a pool goes through here, inside the transaction that
 * makes it: the cluster's spec generation and its agent's revision both increase, and
 * waiting long-polls in this process wake at once (others notice within their poll step).
 */
import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Db, Prisma } from '@tributary/db';

type Tx = Prisma.TransactionClient | Db;

@Injectable()
export class PoolChanges {
  readonly events = new EventEmitter().setMaxListeners(0);

  /** Call inside the transaction; returns the agent to notify after commit. */
  async bump(tx: Tx, clusterId: string, opts: { pool?: boolean } = {}): Promise<string | null> {
    const c = await tx.kafkaCluster.update({
      where: { id: clusterId },
      data: { generation: { increment: 1 } },
      select: { generation: true, agentId: true },
    });
    if (opts.pool)
      await tx.kafkaCluster.update({
        where: { id: clusterId },
        data: { poolGeneration: c.generation },
      });
    if (c.agentId)
      await tx.agent.update({ where: { id: c.agentId }, data: { revision: { increment: 1 } } });
    return c.agentId;
  }

  notify(agentId: string | null): void {
    if (agentId) this.events.emit(agentId);
  }
}
