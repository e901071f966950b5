/** Removes a member; the last OrgAdmin stays. */
import { Inject, Injectable } from '@nestjs/common';
import type { OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { OrgsError } from '../../orgs.errors.js';
import { OrgsRepository } from '../../orgs.repository.js';

export interface RemoveMemberCommand {
  orgId: OrgId;
  actor: Actor;
  memberId: string;
}

@Injectable()
export class RemoveMemberUseCase {
  constructor(
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: RemoveMemberCommand): Promise<void> {
    const m = await this.orgs.member(cmd.orgId, cmd.memberId);
    if (!m) throw problems.notFound('member');
    if (m.role === 'OrgAdmin' && (await this.orgs.countAdmins(cmd.orgId)) <= 1)
      throw OrgsError.lastAdmin();
    await this.orgs.removeMember(cmd.orgId, m.id);
    await this.events.publish({
      action: 'member.remove',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'membership', id: m.id },
    });
  }
}
