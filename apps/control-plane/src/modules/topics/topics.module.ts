/**
 * The topics context. Registers a cascade: when a cluster becomes DELETED its topic rows go
 * with it.
 */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DeletionHooks } from '../../platform/deletion-hooks.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { TopicsController } from './topics.controller.js';
import { TopicsRepository } from './topics.repository.js';
import { CreateTopicUseCase } from './use-cases/create-topic/create-topic.use-case.js';
import { DeleteTopicUseCase } from './use-cases/delete-topic/delete-topic.use-case.js';
import { GetTopicUseCase } from './use-cases/get-topic/get-topic.use-case.js';
import { ListTopicsUseCase } from './use-cases/list-topics/list-topics.use-case.js';
import { UpdateTopicUseCase } from './use-cases/update-topic/update-topic.use-case.js';

@Module({
  imports: [OrgsModule, ClustersModule],
  controllers: [TopicsController],
  providers: [
    TopicsRepository,
    ListTopicsUseCase,
    CreateTopicUseCase,
    GetTopicUseCase,
    UpdateTopicUseCase,
    DeleteTopicUseCase,
  ],
})
export class TopicsModule implements OnModuleInit {
  constructor(
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
    @Inject(TopicsRepository) private readonly topics: TopicsRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register('cluster', {
      cascade: (s, tx) => this.topics.deleteAllOf(s.orgId, s.clusterId, tx),
    });
  }
}
