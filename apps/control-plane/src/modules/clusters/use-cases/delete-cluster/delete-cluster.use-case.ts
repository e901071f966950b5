/**
 * Deletes a cluster: DELETING with a cluster.delete operation, then the deprovisioning job;
 * the agent's report that the pool is gone makes it DELETED. Repeating a delete re-enqueues
 * the job and answers with the same operation.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, KafkaCluster, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { checkVersion } from '../../../../platform/etag.js';
import type { Queues } from '../../../../platform/queues.js';
import { QUEUES } from '../../../../platform/tokens.js';
import { Transactions } from '../../../../platform/transactions.js';
import { OperationsRepository } from '../../../operations/operations.repository.js';
import { ClustersError } from '../../clusters.errors.js';
import { ClustersRepository } from '../../clusters.repository.js';

export interface DeleteClusterCommand {
  orgId: OrgId;
  actor: Actor;
  clusterId: ClusterId;
  expectedVersion: number | undefined;
}

@Injectable()
export class DeleteClusterUseCase {
  constructor(
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(OperationsRepository) private readonly operations: OperationsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(QUEUES) private readonly queues: Queues,
  ) {}

  async execute(
    cmd: DeleteClusterCommand,
  ): Promise<{ cluster: KafkaCluster; operationId: string }> {
    const { orgId, clusterId } = cmd;
    const c = await this.clusters.get(orgId, clusterId);
    checkVersion(cmd.expectedVersion, c.version);
    if (c.deletionProtection) throw ClustersError.deletionProtected();
    let started: string | undefined;
    if (c.status !== 'DELETING') {
      started = await this.transactions.run(async (tx) => {
        await this.clusters.markDeleting(orgId, clusterId, tx);
        return (await this.operations.startForCluster(orgId, clusterId, 'cluster.delete', tx)).id;
      });
      await this.events.publish({
        action: 'kafka_cluster.delete',
        actor: cmd.actor,
        orgId,
        target: { type: 'kafka_cluster', id: clusterId },
      });
    }
    await this.queues
      .enqueue('deprovision-cluster', { clusterId })
      .catch((e: unknown) =>
        console.error(`enqueue failed (the worker's sweep retries): ${(e as Error).message}`),
      );
    const op = await this.operations.latestForCluster(orgId, clusterId, 'cluster.delete');
    return {
      cluster: await this.clusters.get(orgId, clusterId),
      operationId: op?.id ?? started ?? '',
    };
  }
}
