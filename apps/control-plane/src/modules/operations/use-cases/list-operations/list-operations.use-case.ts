/** An organization's operations. */
import { Inject, Injectable } from '@nestjs/common';
import type { Operation, OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { OperationsRepository } from '../../operations.repository.js';

@Injectable()
export class ListOperationsUseCase {
  constructor(@Inject(OperationsRepository) private readonly ops: OperationsRepository) {}

  execute(q: { orgId: OrgId; page: PageRequest }): Promise<Operation[]> {
    return this.ops.list(q.orgId, q.page);
  }
}
