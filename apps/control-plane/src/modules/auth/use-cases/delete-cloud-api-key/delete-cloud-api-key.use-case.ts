/**
 * Deletes a cloud API key: a user's own key, or a service account's key when the caller may
 * manage that service account; anything else is 404.
 */
import { Inject, Injectable } from '@nestjs/common';
import { asOrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { AccessService } from '../../../orgs/access.service.js';
import { AuthRepository } from '../../auth.repository.js';

@Injectable()
export class DeleteCloudApiKeyUseCase {
  constructor(
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(actor: Actor, id: string): Promise<void> {
    const key = await this.auth.cloudKey(id);
    if (!key) throw problems.notFound('cloud API key');
    if (key.userId) {
      if (key.userId !== actor.id || actor.kind !== 'user')
        throw problems.notFound('cloud API key');
    } else {
      await this.access.serviceAccount(actor, key.serviceAccountId ?? '', 'sa:manage');
    }
    await this.auth.deleteCloudKey(id);
    await this.events.publish({
      action: 'cloud_api_key.delete',
      actor,
      orgId: key.orgId ? asOrgId(key.orgId) : null,
      target: { type: 'cloud_api_key', id },
    });
  }
}
