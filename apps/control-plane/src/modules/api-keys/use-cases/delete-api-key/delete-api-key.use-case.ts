/** Marks an API key DELETING; it disappears once the agent reports it gone from the pool. */
import { Inject, Injectable } from '@nestjs/common';
import { asClusterId, type ApiKeyId, type ClusterApiKey, type OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { ApiKeysRepository } from '../../api-keys.repository.js';

export interface DeleteApiKeyCommand {
  orgId: OrgId;
  actor: Actor;
  apiKeyId: ApiKeyId;
}

@Injectable()
export class DeleteApiKeyUseCase {
  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  /** The key as it was before (the caller shows it DELETING). */
  async execute(cmd: DeleteApiKeyCommand): Promise<ClusterApiKey> {
    const key = await this.keys.get(cmd.orgId, cmd.apiKeyId);
    if (key.status !== 'DELETING') {
      await this.changes.apply(cmd.orgId, asClusterId(key.clusterId), (tx) =>
        this.keys.markDeleting(cmd.orgId, cmd.apiKeyId, tx),
      );
      await this.events.publish({
        action: 'api_key.delete',
        actor: cmd.actor,
        orgId: cmd.orgId,
        target: { type: 'api_key', id: cmd.apiKeyId },
      });
    }
    return key;
  }
}
