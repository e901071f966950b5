/** Creates an invitation; its token is returned once (only its hash is stored). */
import { Inject, Injectable } from '@nestjs/common';
import type { Invitation } from '@tributary/db';
import type { Clock } from '../../../../platform/clock.js';
import { randomToken, sha256 } from '../../../../platform/crypto.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { CLOCK } from '../../../../platform/tokens.js';
import { OrgsRepository } from '../../orgs.repository.js';
import type { CreateInvitationCommand } from './create-invitation.command.js';

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

@Injectable()
export class CreateInvitationUseCase {
  constructor(
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(cmd: CreateInvitationCommand): Promise<{ invitation: Invitation; token: string }> {
    const token = randomToken();
    const invitation = await this.orgs.createInvitation(cmd.orgId, {
      email: cmd.email,
      role: cmd.role,
      tokenHash: sha256(token),
      invitedById: cmd.actor.id,
      expiresAt: new Date(this.clock() + INVITATION_TTL_MS),
    });
    await this.events.publish({
      action: 'invitation.create',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'invitation', id: invitation.id },
      details: { email: cmd.email, role: cmd.role },
    });
    return { invitation, token };
  }
}
