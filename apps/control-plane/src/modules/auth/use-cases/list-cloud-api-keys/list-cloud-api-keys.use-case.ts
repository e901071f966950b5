/** Cloud API keys of the caller, or of a service account (access checked by the caller). */
import { Inject, Injectable } from '@nestjs/common';
import type { CloudApiKey } from '@tributary/db';
import type { Principal } from '../../../../platform/actor.js';
import type { PageRequest } from '../../../../platform/pagination.js';
import { AuthRepository } from '../../auth.repository.js';

@Injectable()
export class ListCloudApiKeysUseCase {
  constructor(@Inject(AuthRepository) private readonly auth: AuthRepository) {}

  execute(q: { owner: Principal; page: PageRequest }): Promise<CloudApiKey[]> {
    return this.auth.cloudKeysOf(q.owner, q.page);
  }
}
