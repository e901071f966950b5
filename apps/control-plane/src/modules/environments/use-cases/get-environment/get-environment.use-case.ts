/** One environment. */
import { Inject, Injectable } from '@nestjs/common';
import type { Environment, EnvironmentId, OrgId } from '@tributary/db';
import { EnvironmentsRepository } from '../../environments.repository.js';

@Injectable()
export class GetEnvironmentUseCase {
  constructor(@Inject(EnvironmentsRepository) private readonly envs: EnvironmentsRepository) {}

  execute(q: { orgId: OrgId; environmentId: EnvironmentId }): Promise<Environment> {
    return this.envs.get(q.orgId, q.environmentId);
  }
}
