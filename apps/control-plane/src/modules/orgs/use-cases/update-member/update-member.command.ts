/** Change a member's role. */
import { z } from 'zod';
import type { OrgId, Role } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { ROLES } from '../../orgs.dtos.js';

export const updateMemberBody = z.strictObject({ role: z.enum(ROLES) });

export class UpdateMemberCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly memberId: string,
    readonly role: Role,
  ) {}

  static create(orgId: OrgId, actor: Actor, memberId: string, input: unknown) {
    return new UpdateMemberCommand(orgId, actor, memberId, validated(updateMemberBody, input).role);
  }
}
