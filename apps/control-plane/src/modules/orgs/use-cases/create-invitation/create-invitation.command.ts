/** Invite someone (by email) into an organization with a role. */
import { z } from 'zod';
import type { OrgId, Role } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { emailAddress } from '../../../../platform/validation.js';
import { ROLES } from '../../orgs.dtos.js';

export const createInvitationBody = z.strictObject({ email: emailAddress, role: z.enum(ROLES) });

export class CreateInvitationCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly email: string,
    readonly role: Role,
  ) {}

  static create(orgId: OrgId, actor: Actor, input: unknown): CreateInvitationCommand {
    const b = validated(createInvitationBody, input);
    return new CreateInvitationCommand(orgId, actor, b.email, b.role);
  }
}
