/** Renames an organization with optimistic concurrency (If-Match, then a versioned update). */
import { Inject, Injectable } from '@nestjs/common';
import { DbStaleError, type Organization } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { checkVersion } from '../../../../platform/etag.js';
import { problems } from '../../../../platform/problem.js';
import { OrgsRepository } from '../../orgs.repository.js';
import type { UpdateOrganizationCommand } from './update-organization.command.js';

@Injectable()
export class UpdateOrganizationUseCase {
  constructor(
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: UpdateOrganizationCommand): Promise<Organization> {
    const current = await this.orgs.organization(cmd.orgId);
    checkVersion(cmd.expectedVersion, current.version);
    let org: Organization;
    try {
      org = await this.orgs.renameOrganization(cmd.orgId, current.version, cmd.name);
    } catch (e) {
      if (e instanceof DbStaleError) throw problems.preconditionFailed(e.message);
      throw e;
    }
    await this.events.publish({
      action: 'organization.update',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'organization', id: cmd.orgId },
      details: { name: cmd.name },
    });
    return org;
  }
}
