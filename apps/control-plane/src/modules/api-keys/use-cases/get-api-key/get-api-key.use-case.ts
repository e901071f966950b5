/** One API key (status PROVISIONING until the agent reports it in force, then READY). */
import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyId, ClusterApiKey, OrgId } from '@tributary/db';
import { ApiKeysRepository } from '../../api-keys.repository.js';

@Injectable()
export class GetApiKeyUseCase {
  constructor(@Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository) {}

  execute(q: { orgId: OrgId; apiKeyId: ApiKeyId }): Promise<ClusterApiKey> {
    return this.keys.get(q.orgId, q.apiKeyId);
  }
}
