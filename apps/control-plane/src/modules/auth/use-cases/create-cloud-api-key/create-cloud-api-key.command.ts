/** Create a cloud API key for the calling user, or for a service account (service_account_id). */
import { z } from 'zod';
import type { OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';

export const createCloudApiKeyBody = z.strictObject({
  description: z.string().max(200).default(''),
  /** Omitted: a key of the calling user. */
  service_account_id: z
    .string()
    .regex(/^sa-[a-z0-9]+$/, 'must be a sa- id')
    .optional(),
});

export class CreateCloudApiKeyCommand {
  private constructor(
    readonly actor: Actor,
    readonly description: string,
    /** With the service account's organization, from the access check. */
    readonly serviceAccount: { id: string; orgId: OrgId } | undefined,
  ) {}

  static create(
    actor: Actor,
    input: unknown,
    serviceAccountOrg: OrgId | undefined,
  ): CreateCloudApiKeyCommand {
    const b = validated(createCloudApiKeyBody, input);
    const sa =
      b.service_account_id && serviceAccountOrg
        ? { id: b.service_account_id, orgId: serviceAccountOrg }
        : undefined;
    return new CreateCloudApiKeyCommand(actor, b.description, sa);
  }
}
