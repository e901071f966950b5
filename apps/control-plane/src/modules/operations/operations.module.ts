/**
 * The operations context: long-running work with a status to poll. Clusters start
 * operations through the exported repository; the access check resolves operation ids
 * through `ownerOf`, registered here.
 */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AccessService } from '../orgs/access.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { OperationsController } from './operations.controller.js';
import { OperationsRepository } from './operations.repository.js';
import { GetOperationUseCase } from './use-cases/get-operation/get-operation.use-case.js';
import { ListOperationsUseCase } from './use-cases/list-operations/list-operations.use-case.js';

@Module({
  imports: [OrgsModule, AuditModule],
  controllers: [OperationsController],
  providers: [OperationsRepository, ListOperationsUseCase, GetOperationUseCase],
  exports: [OperationsRepository],
})
export class OperationsModule implements OnModuleInit {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(OperationsRepository) private readonly ops: OperationsRepository,
  ) {}

  onModuleInit(): void {
    this.access.registerOwner('operation', (id) => this.ops.ownerOf(id));
  }
}
