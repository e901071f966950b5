/** Create an environment (a named group of clusters) in an organization. */
import { z } from 'zod';
import type { OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { displayName } from '../../../../platform/validation.js';

export const createEnvironmentBody = z.strictObject({
  organization_id: z.string().max(64),
  name: displayName,
});

export class CreateEnvironmentCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly name: string,
  ) {}

  static create(orgId: OrgId, actor: Actor, input: unknown): CreateEnvironmentCommand {
    return new CreateEnvironmentCommand(orgId, actor, validated(createEnvironmentBody, input).name);
  }
}
