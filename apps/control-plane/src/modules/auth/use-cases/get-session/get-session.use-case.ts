/** Who the caller is: principal, user, CSRF token of the session, and their organizations. */
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../../../platform/actor.js';
import { OrgsRepository } from '../../../orgs/orgs.repository.js';
import { AuthRepository } from '../../auth.repository.js';

@Injectable()
export class GetSessionUseCase {
  constructor(
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
  ) {}

  async execute(actor: Actor) {
    const memberships = await this.orgs.membershipsOf(actor);
    const session =
      actor.via === 'session' ? await this.auth.sessionById(actor.credentialId) : null;
    const user = actor.kind === 'user' ? await this.auth.userById(actor.id) : null;
    return { memberships, session, user };
  }
}
