/**
 * Creates a cluster: PROVISIONING, with its cluster.create operation, in one transaction;
 * then enqueues the provisioning job (worker.ts). If enqueueing fails the worker's sweep
 * still finds the PROVISIONING cluster and enqueues it.
 */
import { Inject, Injectable } from '@nestjs/common';
import { asClusterId, DbConflictError, newId, type KafkaCluster } from '@tributary/db';
import type { ControlPlaneConfig } from '../../../../config.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import type { Queues } from '../../../../platform/queues.js';
import { CONFIG, QUEUES } from '../../../../platform/tokens.js';
import { Transactions } from '../../../../platform/transactions.js';
import { OperationsRepository } from '../../../operations/operations.repository.js';
import { ClustersError } from '../../clusters.errors.js';
import { ClustersRepository } from '../../clusters.repository.js';
import { PLANS } from '../../plans.js';
import type { CreateClusterCommand } from './create-cluster.command.js';

@Injectable()
export class CreateClusterUseCase {
  constructor(
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(OperationsRepository) private readonly operations: OperationsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(QUEUES) private readonly queues: Queues,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  async execute(
    cmd: CreateClusterCommand,
  ): Promise<{ cluster: KafkaCluster; operationId: string }> {
    const plan = PLANS[cmd.plan];
    if (cmd.brokers !== undefined && plan.brokers !== null) throw ClustersError.brokersNotAllowed();
    const brokers = plan.brokers ?? cmd.brokers ?? 3;
    if (!plan.available) throw ClustersError.planUnavailable(plan.name, brokers);
    const id = asClusterId(newId('cluster'));
    let operationId: string;
    try {
      operationId = await this.transactions.run(async (tx) => {
        await this.clusters.create(
          cmd.orgId,
          {
            id,
            environmentId: cmd.environmentId,
            name: cmd.name,
            plan: plan.name,
            brokers,
            region: cmd.region ?? this.config.agentRegion,
            deletionProtection: cmd.deletionProtection,
          },
          tx,
        );
        return (await this.operations.startForCluster(cmd.orgId, id, 'cluster.create', tx)).id;
      });
    } catch (e) {
      if (e instanceof DbConflictError) throw ClustersError.duplicateName();
      throw e;
    }
    await this.events.publish({
      action: 'kafka_cluster.create',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'kafka_cluster', id },
      details: { name: cmd.name, plan: plan.name },
    });
    await this.queues
      .enqueue('provision-cluster', { clusterId: id })
      .catch((e: unknown) =>
        console.error(`enqueue failed (the worker's sweep retries): ${(e as Error).message}`),
      );
    return { cluster: await this.clusters.get(cmd.orgId, id), operationId };
  }
}
