/** A cluster's API keys. */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterApiKey, ClusterId, OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { ApiKeysRepository } from '../../api-keys.repository.js';

@Injectable()
export class ListApiKeysUseCase {
  constructor(@Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository) {}

  execute(q: { orgId: OrgId; clusterId: ClusterId; page: PageRequest }): Promise<ClusterApiKey[]> {
    return this.keys.list(q.orgId, q.clusterId, q.page);
  }
}
