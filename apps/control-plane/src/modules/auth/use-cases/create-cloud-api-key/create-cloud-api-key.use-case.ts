/** Creates a cloud API key; the token `<key id>.<secret>` is returned once. */
import { Inject, Injectable } from '@nestjs/common';
import { newId, type CloudApiKey } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { AuthRepository } from '../../auth.repository.js';
import { newCloudApiKeySecret } from '../../credentials.js';
import type { CreateCloudApiKeyCommand } from './create-cloud-api-key.command.js';

@Injectable()
export class CreateCloudApiKeyUseCase {
  constructor(
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: CreateCloudApiKeyCommand): Promise<{ key: CloudApiKey; token: string }> {
    const sa = cmd.serviceAccount;
    if (!sa && cmd.actor.kind !== 'user')
      throw problems.forbidden(
        'a service account cannot create keys for itself; name service_account_id',
      );
    const id = newId('cloudApiKey');
    const { secret, secretHash } = newCloudApiKeySecret();
    const owner = sa ? { serviceAccountId: sa.id, orgId: sa.orgId } : { userId: cmd.actor.id };
    const key = await this.auth.createCloudKey({
      id,
      secretHash,
      description: cmd.description,
      ...owner,
    });
    await this.events.publish({
      action: 'cloud_api_key.create',
      actor: cmd.actor,
      orgId: sa?.orgId ?? null,
      target: { type: 'cloud_api_key', id },
    });
    return { key, token: `${id}.${secret}` };
  }
}
