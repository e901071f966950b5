/**
 * The API keys context. At start-up it registers its owner lookup with the access service,
 * a deletion hook that keeps a service account while it owns keys, and a cascade: a DELETED
 * cluster's key rows go with it.
 */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DeletionHooks } from '../../platform/deletion-hooks.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { AccessService } from '../orgs/access.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ServiceAccountsModule } from '../service-accounts/service-accounts.module.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { CreateApiKeyUseCase } from './use-cases/create-api-key/create-api-key.use-case.js';
import { DeleteApiKeyUseCase } from './use-cases/delete-api-key/delete-api-key.use-case.js';
import { GetApiKeyUseCase } from './use-cases/get-api-key/get-api-key.use-case.js';
import { ListApiKeysUseCase } from './use-cases/list-api-keys/list-api-keys.use-case.js';

@Module({
  imports: [OrgsModule, ClustersModule, ServiceAccountsModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysRepository,
    ListApiKeysUseCase,
    CreateApiKeyUseCase,
    GetApiKeyUseCase,
    DeleteApiKeyUseCase,
  ],
})
export class ApiKeysModule implements OnModuleInit {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
  ) {}

  onModuleInit(): void {
    this.access.registerOwner('api key', (id) => this.keys.ownerOf(id));
    this.hooks.register('serviceAccount', {
      blocks: async (s, tx) => (await this.keys.countOwnedBy(s.orgId, s.serviceAccountId, tx)) > 0,
    });
    this.hooks.register('cluster', {
      cascade: (s, tx) => this.keys.deleteAllOf(s.orgId, s.clusterId, tx),
    });
  }
}
