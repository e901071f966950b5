/** Rename a cluster or switch its deletion protection (If-Match optional). */
import { z } from 'zod';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { clusterName } from '../../clusters.dtos.js';

export const updateClusterBody = z
  .strictObject({ name: clusterName.optional(), deletion_protection: z.boolean().optional() })
  .refine(
    (b) => b.name !== undefined || b.deletion_protection !== undefined,
    'name or deletion_protection is required',
  );
export type UpdateClusterBody = z.output<typeof updateClusterBody>;

export class UpdateClusterCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly clusterId: ClusterId,
    readonly changes: UpdateClusterBody,
    readonly expectedVersion: number | undefined,
  ) {}

  static create(
    orgId: OrgId,
    actor: Actor,
    clusterId: ClusterId,
    input: unknown,
    expectedVersion: number | undefined,
  ): UpdateClusterCommand {
    const changes = validated(updateClusterBody, input);
    return new UpdateClusterCommand(orgId, actor, clusterId, changes, expectedVersion);
  }
}
