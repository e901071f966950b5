/** One operation, to poll its status. */
import { Inject, Injectable } from '@nestjs/common';
import type { Operation, OperationId, OrgId } from '@tributary/db';
import { OperationsRepository } from '../../operations.repository.js';

@Injectable()
export class GetOperationUseCase {
  constructor(@Inject(OperationsRepository) private readonly ops: OperationsRepository) {}

  execute(q: { orgId: OrgId; operationId: OperationId }): Promise<Operation> {
    return this.ops.get(q.orgId, q.operationId);
  }
}
