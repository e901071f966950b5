/** A cluster's topics: desired ones merged with observed ones (client-created: managed=false). */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, OrgId, Topic } from '@tributary/db';
import { TopicsRepository, type ObservedTopic } from '../../topics.repository.js';

export interface TopicPair {
  name: string;
  desired: Topic | undefined;
  observed: ObservedTopic | undefined;
}

@Injectable()
export class ListTopicsUseCase {
  constructor(@Inject(TopicsRepository) private readonly topics: TopicsRepository) {}

  async execute(q: { orgId: OrgId; clusterId: ClusterId }): Promise<TopicPair[]> {
    const desired = await this.topics.list(q.orgId, q.clusterId);
    const observed = await this.topics.observed(q.orgId, q.clusterId);
    const names = [
      ...new Set([...desired.map((t) => t.name), ...observed.map((t) => t.name)]),
    ].sort();
    return names.map((name) => ({
      name,
      desired: desired.find((t) => t.name === name),
      observed: observed.find((t) => t.name === name),
    }));
  }
}
