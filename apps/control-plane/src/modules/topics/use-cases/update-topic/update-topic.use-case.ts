/** Grows partitions (never shrinks; within the plan) and merges configs of a managed topic. */
import { Inject, Injectable } from '@nestjs/common';
import { DbStaleError, type Topic } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { checkVersion } from '../../../../platform/etag.js';
import { problems } from '../../../../platform/problem.js';
import { ClustersRepository } from '../../../clusters/clusters.repository.js';
import { PLANS } from '../../../clusters/plans.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { TopicsError } from '../../topics.errors.js';
import { TopicsRepository } from '../../topics.repository.js';
import type { UpdateTopicCommand } from './update-topic.command.js';

@Injectable()
export class UpdateTopicUseCase {
  constructor(
    @Inject(TopicsRepository) private readonly topics: TopicsRepository,
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: UpdateTopicCommand): Promise<Topic> {
    const { orgId, clusterId, changes: body } = cmd;
    const t = await this.topics.find(orgId, clusterId, cmd.name);
    if (!t || t.status === 'DELETING')
      throw problems.notFound('topic (managed by the control plane)');
    checkVersion(cmd.expectedVersion, t.version);
    if (body.partitions !== undefined && body.partitions < t.partitions) {
      throw problems.validation([
        { pointer: '/partitions', detail: `partitions can only grow (now ${t.partitions})` },
      ]);
    }
    if (body.partitions !== undefined) {
      const cluster = await this.clusters.get(orgId, clusterId);
      const all = await this.topics.list(orgId, clusterId);
      const total = all.reduce((a, b) => a + b.partitions, 0) - t.partitions + body.partitions;
      const max = PLANS[cluster.plan].limits.maxPartitions;
      if (total > max) throw TopicsError.overPlan(max, total);
    }
    let updated: Topic;
    try {
      updated = await this.changes.apply(orgId, clusterId, (tx) =>
        this.topics.update(
          orgId,
          t,
          {
            ...(body.partitions !== undefined ? { partitions: body.partitions } : {}),
            ...(body.configs !== undefined
              ? { configs: { ...(t.configs as Record<string, string>), ...body.configs } }
              : {}),
          },
          tx,
        ),
      );
    } catch (e) {
      if (e instanceof DbStaleError) throw problems.preconditionFailed(e.message);
      throw e;
    }
    await this.events.publish({
      action: 'topic.update',
      actor: cmd.actor,
      orgId,
      target: { type: 'topic', id: `${clusterId}/${cmd.name}` },
      details: body,
    });
    return updated;
  }
}
