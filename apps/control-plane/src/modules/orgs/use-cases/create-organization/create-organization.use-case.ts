/** Creates an organization with the calling user as OrgAdmin. */
import { Inject, Injectable } from '@nestjs/common';
import { asOrgId, type Organization } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { OrgsRepository } from '../../orgs.repository.js';
import type { CreateOrganizationCommand } from './create-organization.command.js';

@Injectable()
export class CreateOrganizationUseCase {
  constructor(
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: CreateOrganizationCommand): Promise<Organization> {
    if (cmd.actor.kind !== 'user') throw problems.forbidden('only users create organizations');
    const org = await this.orgs.createOrganization(cmd.name, cmd.actor.id);
    await this.events.publish({
      action: 'organization.create',
      actor: cmd.actor,
      orgId: asOrgId(org.id),
      target: { type: 'organization', id: org.id },
    });
    return org;
  }
}
