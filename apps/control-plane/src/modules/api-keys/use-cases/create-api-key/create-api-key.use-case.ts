/**
 * Creates a cluster API key. The secret is made here, returned once and never stored: the
 * key row keeps only derived material (scrypt hash for PLAIN, SCRAM keys), which the agent
 * pushes to the brokers. The spec generation moves in the same transaction.
 */
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { deriveApiKeyCredential, derivedCredentialToJson } from '@tributary/credentials';
import { asApiKeyId, newId, type ClusterApiKey } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { ClustersRepository } from '../../../clusters/clusters.repository.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { OrgsRepository } from '../../../orgs/orgs.repository.js';
import { ServiceAccountsRepository } from '../../../service-accounts/service-accounts.repository.js';
import { ApiKeysError } from '../../api-keys.errors.js';
import { ApiKeysRepository } from '../../api-keys.repository.js';
import type { CreateApiKeyCommand } from './create-api-key.command.js';

@Injectable()
export class CreateApiKeyUseCase {
  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: CreateApiKeyCommand): Promise<{ key: ClusterApiKey; secret: string }> {
    const { orgId, owner } = cmd;
    const cluster = await this.clusters.get(orgId, cmd.clusterId);
    if (cluster.status === 'DELETING' || cluster.status === 'DELETED')
      throw ApiKeysError.clusterGone(cluster.status);
    if (owner.kind === 'service_account') {
      if (!(await this.accounts.exists(orgId, owner.id)))
        throw ApiKeysError.badOwner('no such service account in this organization');
    } else if (!(await this.orgs.isUserMember(orgId, owner.id))) {
      throw ApiKeysError.badOwner('no such user in this organization');
    }
    const id = asApiKeyId(newId('clusterApiKey'));
    const secret = randomBytes(32).toString('base64url');
    const derived = derivedCredentialToJson(await deriveApiKeyCredential(secret));
    const key = await this.changes.apply(orgId, cmd.clusterId, (tx) =>
      this.keys.create(
        orgId,
        {
          id,
          clusterId: cmd.clusterId,
          ownerUserId: owner.kind === 'user' ? owner.id : null,
          ownerServiceAccountId: owner.kind === 'service_account' ? owner.id : null,
          principal: `User:${owner.id}`,
          description: cmd.description,
          derived,
        },
        tx,
      ),
    );
    await this.events.publish({
      action: 'api_key.create',
      actor: cmd.actor,
      orgId,
      target: { type: 'api_key', id },
      details: { cluster_id: cmd.clusterId, principal: key.principal },
    });
    return { key, secret };
  }
}
