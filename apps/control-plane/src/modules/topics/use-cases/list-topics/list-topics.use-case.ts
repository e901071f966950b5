/**
 * A cluster's topics: desired ones merged with observed ones (client-created: managed=false),
 * ordered by name, one page at a time (the page token is the last name shown). The merge is in
 * memory: a cluster holds at most its plan's partitions, so at most that many topics.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, OrgId, Topic } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { TopicsRepository, type ObservedTopic } from '../../topics.repository.js';

export interface TopicPair {
  name: string;
  desired: Topic | undefined;
  observed: ObservedTopic | undefined;
}

@Injectable()
export class ListTopicsUseCase {
  constructor(@Inject(TopicsRepository) private readonly topics: TopicsRepository) {}

  /** Up to page.size + 1 topics after page.after (toPage tells whether there are more). */
  async execute(q: {
    orgId: OrgId;
    clusterId: ClusterId;
    page: PageRequest;
  }): Promise<TopicPair[]> {
    const desired = new Map((await this.topics.list(q.orgId, q.clusterId)).map((t) => [t.name, t]));
    const observed = new Map(
      (await this.topics.observed(q.orgId, q.clusterId)).map((t) => [t.name, t]),
    );
    const after = q.page.after;
    const names = [...new Set([...desired.keys(), ...observed.keys()])]
      .filter((n) => after === undefined || n > after)
      .sort()
      .slice(0, q.page.size + 1);
    return names.map((name) => ({
      name,
      desired: desired.get(name),
      observed: observed.get(name),
    }));
  }
}
