/** Accept an invitation with its token (the invited user, matching email). */
import { z } from 'zod';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';

export const acceptInvitationBody = z.strictObject({ token: z.string().min(20).max(200) });

export class AcceptInvitationCommand {
  private constructor(
    readonly actor: Actor,
    readonly token: string,
  ) {}

  static create(actor: Actor, input: unknown): AcceptInvitationCommand {
    return new AcceptInvitationCommand(actor, validated(acceptInvitationBody, input).token);
  }
}
