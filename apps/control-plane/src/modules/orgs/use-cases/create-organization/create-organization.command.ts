/** Create an organization; its creator (a user) becomes its OrgAdmin. */
import { z } from 'zod';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { displayName } from '../../../../platform/validation.js';

export const createOrganizationBody = z.strictObject({ name: displayName });

export class CreateOrganizationCommand {
  private constructor(
    readonly actor: Actor,
    readonly name: string,
  ) {}

  static create(actor: Actor, input: unknown): CreateOrganizationCommand {
    return new CreateOrganizationCommand(actor, validated(createOrganizationBody, input).name);
  }
}
