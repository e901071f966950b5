/**
 * Accepts an invitation: the token is the credential (not scoped by organization), the
 * caller must be a user with the invited email, and the invitation pending and unexpired.
 */
import { Inject, Injectable } from '@nestjs/common';
import { asOrgId, DbConflictError, type OrgId, type Role } from '@tributary/db';
import type { Clock } from '../../../../platform/clock.js';
import { sha256 } from '../../../../platform/crypto.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { CLOCK } from '../../../../platform/tokens.js';
import { OrgsError } from '../../orgs.errors.js';
import { OrgsRepository } from '../../orgs.repository.js';
import type { AcceptInvitationCommand } from './accept-invitation.command.js';

@Injectable()
export class AcceptInvitationUseCase {
  constructor(
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(cmd: AcceptInvitationCommand): Promise<{ orgId: OrgId; role: Role }> {
    if (cmd.actor.kind !== 'user') throw OrgsError.invitationInvalid();
    const email = await this.orgs.emailOf(cmd.actor.id);
    const inv = await this.orgs.invitationByTokenHash(sha256(cmd.token));
    if (
      !inv ||
      inv.status !== 'PENDING' ||
      inv.email !== email ||
      inv.expiresAt.getTime() < this.clock()
    )
      throw OrgsError.invitationInvalid();
    const orgId = asOrgId(inv.orgId);
    try {
      await this.orgs.acceptInvitation(orgId, inv.id, cmd.actor.id, inv.role);
    } catch (e) {
      if (e instanceof DbConflictError) throw OrgsError.alreadyMember();
      throw e;
    }
    await this.events.publish({
      action: 'invitation.accept',
      actor: cmd.actor,
      orgId,
      target: { type: 'invitation', id: inv.id },
    });
    return { orgId, role: inv.role };
  }
}
