/** Email + password → a new console session (401 for a wrong email or password alike). */
import { Inject, Injectable } from '@nestjs/common';
import type { User } from '@tributary/db';
import type { ControlPlaneConfig } from '../../../../config.js';
import type { Clock } from '../../../../platform/clock.js';
import { CLOCK, CONFIG } from '../../../../platform/tokens.js';
import { AuthError } from '../../auth.errors.js';
import { AuthRepository } from '../../auth.repository.js';
import { verifyPassword } from '../../credentials.js';
import { startSession, type NewSession } from './start-session.js';

export interface LogInCommand {
  email: string;
  password: string;
  from: { ip: string | undefined; userAgent: string | undefined };
}

@Injectable()
export class LogInUseCase {
  constructor(
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(cmd: LogInCommand): Promise<{ user: User; session: NewSession }> {
    const user = await this.auth.userByEmail(cmd.email);
    if (!user || !(await verifyPassword(user.passwordHash, cmd.password)))
      throw AuthError.invalidCredentials();
    const expiresAt = new Date(this.clock() + this.config.sessionTtlMs);
    return { user, session: await startSession(this.auth, user.id, cmd.from, expiresAt) };
  }
}
