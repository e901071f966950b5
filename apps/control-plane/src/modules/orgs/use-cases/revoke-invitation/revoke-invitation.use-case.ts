/** Revokes a pending invitation (404 when there is none with that id). */
import { Inject, Injectable } from '@nestjs/common';
import type { OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { OrgsRepository } from '../../orgs.repository.js';

export interface RevokeInvitationCommand {
  orgId: OrgId;
  actor: Actor;
  invitationId: string;
}

@Injectable()
export class RevokeInvitationUseCase {
  constructor(
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: RevokeInvitationCommand): Promise<void> {
    if (!(await this.orgs.revokeInvitation(cmd.orgId, cmd.invitationId)))
      throw problems.notFound('invitation');
    await this.events.publish({
      action: 'invitation.revoke',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'invitation', id: cmd.invitationId },
    });
  }
}
