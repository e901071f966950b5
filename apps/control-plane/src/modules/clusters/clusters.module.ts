/**
 * The clusters context. At start-up it registers its owner lookup with the access service
 * and its environment deletion hook (live clusters block the deletion; DELETED ones go with
 * the environment). Exports the repository (scoped reads for topics, keys, ACLs) and
 * PoolChanges.
 */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DeletionHooks } from '../../platform/deletion-hooks.js';
import { OperationsModule } from '../operations/operations.module.js';
import { AccessService } from '../orgs/access.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ClustersController } from './clusters.controller.js';
import { ClustersRepository } from './clusters.repository.js';
import { PoolChanges } from './pool-changes.js';
import { CreateClusterUseCase } from './use-cases/create-cluster/create-cluster.use-case.js';
import { DeleteClusterUseCase } from './use-cases/delete-cluster/delete-cluster.use-case.js';
import { GetClusterUseCase } from './use-cases/get-cluster/get-cluster.use-case.js';
import { ListClustersUseCase } from './use-cases/list-clusters/list-clusters.use-case.js';
import { ListPlansUseCase } from './use-cases/list-plans/list-plans.use-case.js';
import { UpdateClusterUseCase } from './use-cases/update-cluster/update-cluster.use-case.js';

@Module({
  imports: [OrgsModule, OperationsModule],
  controllers: [ClustersController],
  providers: [
    ClustersRepository,
    PoolChanges,
    ListPlansUseCase,
    ListClustersUseCase,
    CreateClusterUseCase,
    GetClusterUseCase,
    UpdateClusterUseCase,
    DeleteClusterUseCase,
  ],
  exports: [ClustersRepository, PoolChanges],
})
export class ClustersModule implements OnModuleInit {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
  ) {}

  onModuleInit(): void {
    this.access.registerOwner('cluster', (id) => this.clusters.ownerOf(id));
    this.hooks.register('environment', {
      blocks: async (s, tx) => (await this.clusters.countLiveIn(s.orgId, s.environmentId, tx)) > 0,
      cascade: (s, tx) => this.clusters.deleteAllIn(s.orgId, s.environmentId, tx),
    });
  }
}
