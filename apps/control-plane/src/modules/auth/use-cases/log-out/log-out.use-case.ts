/** Ends the caller's console session (a bearer caller has none to end). */
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../../../platform/actor.js';
import { AuthRepository } from '../../auth.repository.js';

@Injectable()
export class LogOutUseCase {
  constructor(@Inject(AuthRepository) private readonly auth: AuthRepository) {}

  async execute(actor: Actor): Promise<void> {
    if (actor.via === 'session') await this.auth.deleteSession(actor.credentialId);
  }
}
