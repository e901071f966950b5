/** Changes a member's role; the last OrgAdmin cannot be demoted. */
import { Inject, Injectable } from '@nestjs/common';
import type { Membership } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { OrgsError } from '../../orgs.errors.js';
import { OrgsRepository } from '../../orgs.repository.js';
import type { UpdateMemberCommand } from './update-member.command.js';

@Injectable()
export class UpdateMemberUseCase {
  constructor(
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: UpdateMemberCommand): Promise<Membership> {
    const m = await this.orgs.member(cmd.orgId, cmd.memberId);
    if (!m) throw problems.notFound('member');
    if (m.role === 'OrgAdmin' && cmd.role !== 'OrgAdmin') {
      if ((await this.orgs.countAdmins(cmd.orgId)) <= 1) throw OrgsError.lastAdmin();
    }
    const updated = await this.orgs.setMemberRole(cmd.orgId, m.id, cmd.role);
    await this.events.publish({
      action: 'member.update',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'membership', id: m.id },
      details: { role: cmd.role },
    });
    return updated;
  }
}
