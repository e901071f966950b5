/** The service accounts context; registers its owner lookup with the access service. */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AccessService } from '../orgs/access.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ServiceAccountsController } from './service-accounts.controller.js';
import { ServiceAccountsRepository } from './service-accounts.repository.js';
import { CreateServiceAccountUseCase } from './use-cases/create-service-account/create-service-account.use-case.js';
import { DeleteServiceAccountUseCase } from './use-cases/delete-service-account/delete-service-account.use-case.js';
import { GetServiceAccountUseCase } from './use-cases/get-service-account/get-service-account.use-case.js';
import { ListServiceAccountsUseCase } from './use-cases/list-service-accounts/list-service-accounts.use-case.js';
import { UpdateServiceAccountUseCase } from './use-cases/update-service-account/update-service-account.use-case.js';

@Module({
  imports: [OrgsModule],
  controllers: [ServiceAccountsController],
  providers: [
    ServiceAccountsRepository,
    ListServiceAccountsUseCase,
    CreateServiceAccountUseCase,
    GetServiceAccountUseCase,
    UpdateServiceAccountUseCase,
    DeleteServiceAccountUseCase,
  ],
  exports: [ServiceAccountsRepository],
})
export class ServiceAccountsModule implements OnModuleInit {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
  ) {}

  onModuleInit(): void {
    this.access.registerOwner('service account', (id) => this.accounts.ownerOf(id));
  }
}
