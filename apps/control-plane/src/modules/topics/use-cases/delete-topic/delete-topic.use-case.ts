/**
 * Deletes a topic: a managed one becomes DELETING; one a Kafka client created is adopted as
 * desired-absent (DELETING) so the agent deletes it. Either way the spec generation moves.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { TopicsRepository } from '../../topics.repository.js';

export interface DeleteTopicCommand {
  orgId: OrgId;
  actor: Actor;
  clusterId: ClusterId;
  name: string;
}

@Injectable()
export class DeleteTopicUseCase {
  constructor(
    @Inject(TopicsRepository) private readonly topics: TopicsRepository,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: DeleteTopicCommand): Promise<void> {
    const { orgId, clusterId, name } = cmd;
    const t = await this.topics.find(orgId, clusterId, name);
    if (!t) {
      const observed = (await this.topics.observed(orgId, clusterId)).find((o) => o.name === name);
      if (!observed) throw problems.notFound('topic');
      await this.changes.apply(orgId, clusterId, (tx) =>
        this.topics.create(
          orgId,
          { clusterId, name, partitions: observed.partitions, configs: {}, status: 'DELETING' },
          tx,
        ),
      );
    } else if (t.status !== 'DELETING') {
      await this.changes.apply(orgId, clusterId, (tx) => this.topics.markDeleting(orgId, t.id, tx));
    }
    await this.events.publish({
      action: 'topic.delete',
      actor: cmd.actor,
      orgId,
      target: { type: 'topic', id: `${clusterId}/${name}` },
    });
  }
}
