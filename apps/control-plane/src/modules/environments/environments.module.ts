/** The environments context; registers its owner lookup with the access service. */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AccessService } from '../orgs/access.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { EnvironmentsController } from './environments.controller.js';
import { EnvironmentsRepository } from './environments.repository.js';
import { CreateEnvironmentUseCase } from './use-cases/create-environment/create-environment.use-case.js';
import { DeleteEnvironmentUseCase } from './use-cases/delete-environment/delete-environment.use-case.js';
import { GetEnvironmentUseCase } from './use-cases/get-environment/get-environment.use-case.js';
import { ListEnvironmentsUseCase } from './use-cases/list-environments/list-environments.use-case.js';
import { UpdateEnvironmentUseCase } from './use-cases/update-environment/update-environment.use-case.js';

@Module({
  imports: [OrgsModule],
  controllers: [EnvironmentsController],
  providers: [
    EnvironmentsRepository,
    ListEnvironmentsUseCase,
    CreateEnvironmentUseCase,
    GetEnvironmentUseCase,
    UpdateEnvironmentUseCase,
    DeleteEnvironmentUseCase,
  ],
})
export class EnvironmentsModule implements OnModuleInit {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(EnvironmentsRepository) private readonly envs: EnvironmentsRepository,
  ) {}

  onModuleInit(): void {
    this.access.registerOwner('environment', (id) => this.envs.ownerOf(id));
  }
}
