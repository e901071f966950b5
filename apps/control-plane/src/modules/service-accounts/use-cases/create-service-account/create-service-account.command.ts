/** Create a service account, optionally with an organization role for its cloud API keys. */
import { z } from 'zod';
import type { OrgId, Role } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { displayName } from '../../../../platform/validation.js';
import { ROLES } from '../../../orgs/orgs.dtos.js';

export const createServiceAccountBody = z.strictObject({
  organization_id: z.string().max(64),
  name: displayName,
  description: z.string().max(500).default(''),
  role: z.enum(ROLES).optional(),
});

export class CreateServiceAccountCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly name: string,
    readonly description: string,
    readonly role: Role | undefined,
  ) {}

  static create(orgId: OrgId, actor: Actor, input: unknown): CreateServiceAccountCommand {
    const b = validated(createServiceAccountBody, input);
    return new CreateServiceAccountCommand(orgId, actor, b.name, b.description, b.role);
  }
}
