/** An organization's environments. */
import { Inject, Injectable } from '@nestjs/common';
import type { Environment, OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { EnvironmentsRepository } from '../../environments.repository.js';

@Injectable()
export class ListEnvironmentsUseCase {
  constructor(@Inject(EnvironmentsRepository) private readonly envs: EnvironmentsRepository) {}

  execute(q: { orgId: OrgId; page: PageRequest }): Promise<Environment[]> {
    return this.envs.list(q.orgId, q.page);
  }
}
