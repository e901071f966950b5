/** The ACLs context. Registers a cascade: a DELETED cluster's ACL rows go with it. */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DeletionHooks } from '../../platform/deletion-hooks.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ServiceAccountsModule } from '../service-accounts/service-accounts.module.js';
import { AclsController } from './acls.controller.js';
import { AclsRepository } from './acls.repository.js';
import { CreateAclUseCase } from './use-cases/create-acl/create-acl.use-case.js';
import { DeleteAclUseCase } from './use-cases/delete-acl/delete-acl.use-case.js';
import { ListAclsUseCase } from './use-cases/list-acls/list-acls.use-case.js';

@Module({
  imports: [OrgsModule, ClustersModule, ServiceAccountsModule],
  controllers: [AclsController],
  providers: [AclsRepository, ListAclsUseCase, CreateAclUseCase, DeleteAclUseCase],
})
export class AclsModule implements OnModuleInit {
  constructor(
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
    @Inject(AclsRepository) private readonly acls: AclsRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register('cluster', {
      cascade: (s, tx) => this.acls.deleteAllOf(s.orgId, s.clusterId, tx),
    });
  }
}
