/** One topic, desired and/or observed (404 when neither). */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, OrgId } from '@tributary/db';
import { problems } from '../../../../platform/problem.js';
import { TopicsRepository } from '../../topics.repository.js';
import type { TopicPair } from '../list-topics/list-topics.use-case.js';

@Injectable()
export class GetTopicUseCase {
  constructor(@Inject(TopicsRepository) private readonly topics: TopicsRepository) {}

  async execute(q: { orgId: OrgId; clusterId: ClusterId; name: string }): Promise<TopicPair> {
    const desired = await this.topics.find(q.orgId, q.clusterId, q.name);
    const observed = (await this.topics.observed(q.orgId, q.clusterId)).find(
      (t) => t.name === q.name,
    );
    if (!desired && !observed) throw problems.notFound('topic');
    return { name: q.name, desired: desired ?? undefined, observed };
  }
}
