/**
 * Creates a desired topic: refused on a cluster being deleted, for a name that exists
 * (desired or observed), or past the plan's partitions; the pool's spec generation moves in
 * the same transaction so the agent creates it.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DbConflictError, type Topic } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { ClustersRepository } from '../../../clusters/clusters.repository.js';
import { PLANS } from '../../../clusters/plans.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { TopicsError } from '../../topics.errors.js';
import { TopicsRepository } from '../../topics.repository.js';
import type { CreateTopicCommand } from './create-topic.command.js';

@Injectable()
export class CreateTopicUseCase {
  constructor(
    @Inject(TopicsRepository) private readonly topics: TopicsRepository,
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: CreateTopicCommand): Promise<Topic> {
    const { orgId, clusterId } = cmd;
    const cluster = await this.clusters.get(orgId, clusterId);
    if (cluster.status === 'DELETING' || cluster.status === 'DELETED')
      throw TopicsError.notRunning(cluster.status);
    const observed = await this.topics.observed(orgId, clusterId);
    if (observed.some((t) => t.name === cmd.name)) throw TopicsError.duplicate(cmd.name);
    const max = PLANS[cluster.plan].limits.maxPartitions;
    const desired = await this.topics.list(orgId, clusterId);
    const used = new Map<string, number>([
      ...observed.map((t) => [t.name, t.partitions] as const),
      ...desired.map((t) => [t.name, t.partitions] as const),
    ]);
    const total = [...used.values()].reduce((a, b) => a + b, 0) + cmd.partitions;
    if (total > max) throw TopicsError.overPlan(max, total);
    let topic: Topic;
    try {
      topic = await this.changes.apply(orgId, clusterId, (tx) =>
        this.topics.create(
          orgId,
          { clusterId, name: cmd.name, partitions: cmd.partitions, configs: cmd.configs },
          tx,
        ),
      );
    } catch (e) {
      if (e instanceof DbConflictError) throw TopicsError.duplicate(cmd.name);
      throw e;
    }
    await this.events.publish({
      action: 'topic.create',
      actor: cmd.actor,
      orgId,
      target: { type: 'topic', id: `${clusterId}/${cmd.name}` },
      details: { partitions: cmd.partitions },
    });
    return topic;
  }
}
