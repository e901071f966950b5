/** Create a cluster API key, owned by a service account or a user of the organization. */
import { z } from 'zod';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';

export const createApiKeyBody = z.strictObject({
  cluster_id: z.string().max(64),
  owner: z
    .strictObject({ kind: z.enum(['service_account', 'user']), id: z.string().max(64) })
    .optional(),
  description: z.string().max(200).default(''),
});

export interface KeyOwner {
  kind: 'service_account' | 'user';
  id: string;
}

export class CreateApiKeyCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly clusterId: ClusterId,
    /** The caller when the body names no owner. */
    readonly owner: KeyOwner,
    readonly description: string,
  ) {}

  static create(orgId: OrgId, actor: Actor, input: unknown): CreateApiKeyCommand {
    const b = validated(createApiKeyBody, input);
    const owner = b.owner ?? {
      kind: actor.kind === 'user' ? ('user' as const) : ('service_account' as const),
      id: actor.id,
    };
    return new CreateApiKeyCommand(orgId, actor, b.cluster_id as ClusterId, owner, b.description);
  }
}
