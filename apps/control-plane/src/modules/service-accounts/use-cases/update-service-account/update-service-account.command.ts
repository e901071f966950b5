/** Rename or re-describe a service account (If-Match optional). */
import { z } from 'zod';
import type { OrgId, ServiceAccountId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { displayName } from '../../../../platform/validation.js';

export const updateServiceAccountBody = z
  .strictObject({ name: displayName.optional(), description: z.string().max(500).optional() })
  .refine(
    (b) => b.name !== undefined || b.description !== undefined,
    'name or description is required',
  );
export type UpdateServiceAccountBody = z.output<typeof updateServiceAccountBody>;

export class UpdateServiceAccountCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly serviceAccountId: ServiceAccountId,
    readonly changes: UpdateServiceAccountBody,
    readonly expectedVersion: number | undefined,
  ) {}

  static create(
    orgId: OrgId,
    actor: Actor,
    serviceAccountId: ServiceAccountId,
    input: unknown,
    expectedVersion: number | undefined,
  ): UpdateServiceAccountCommand {
    const changes = validated(updateServiceAccountBody, input);
    return new UpdateServiceAccountCommand(
      orgId,
      actor,
      serviceAccountId,
      changes,
      expectedVersion,
    );
  }
}
