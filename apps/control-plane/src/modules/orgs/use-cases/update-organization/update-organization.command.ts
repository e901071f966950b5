/** Rename an organization, optionally only at the version the caller saw (If-Match). */
import { z } from 'zod';
import type { OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { displayName } from '../../../../platform/validation.js';

export const updateOrganizationBody = z.strictObject({ name: displayName });

export class UpdateOrganizationCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly name: string,
    readonly expectedVersion: number | undefined,
  ) {}

  static create(
    orgId: OrgId,
    actor: Actor,
    input: unknown,
    expectedVersion: number | undefined,
  ): UpdateOrganizationCommand {
    const { name } = validated(updateOrganizationBody, input);
    return new UpdateOrganizationCommand(orgId, actor, name, expectedVersion);
  }
}
