/** Rename an environment, optionally only at the version the caller saw (If-Match). */
import { z } from 'zod';
import type { EnvironmentId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { displayName } from '../../../../platform/validation.js';

export const updateEnvironmentBody = z.strictObject({ name: displayName });

export class UpdateEnvironmentCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly environmentId: EnvironmentId,
    readonly name: string,
    readonly expectedVersion: number | undefined,
  ) {}

  static create(
    orgId: OrgId,
    actor: Actor,
    environmentId: EnvironmentId,
    input: unknown,
    expectedVersion: number | undefined,
  ): UpdateEnvironmentCommand {
    const { name } = validated(updateEnvironmentBody, input);
    return new UpdateEnvironmentCommand(orgId, actor, environmentId, name, expectedVersion);
  }
}
