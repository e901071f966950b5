/** Creates the user and their organization in one transaction, then a session. */
import { Inject, Injectable } from '@nestjs/common';
import { asOrgId, DbConflictError, newId, type OrgId } from '@tributary/db';
import type { ControlPlaneConfig } from '../../../../config.js';
import type { Clock } from '../../../../platform/clock.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { CLOCK, CONFIG } from '../../../../platform/tokens.js';
import { Transactions } from '../../../../platform/transactions.js';
import { OrgsRepository } from '../../../orgs/orgs.repository.js';
import { AuthError } from '../../auth.errors.js';
import { AuthRepository } from '../../auth.repository.js';
import { hashPassword } from '../../credentials.js';
import { startSession, type NewSession } from '../log-in/start-session.js';
import type { SignUpCommand } from './sign-up.command.js';

@Injectable()
export class SignUpUseCase {
  constructor(
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(
    cmd: SignUpCommand,
  ): Promise<{ userId: string; orgId: OrgId; session: NewSession }> {
    const passwordHash = await hashPassword(cmd.password);
    const userId = newId('user');
    const orgId = asOrgId(newId('org'));
    try {
      await this.transactions.run(async (tx) => {
        await this.auth.createUser(
          { id: userId, email: cmd.email, name: cmd.name, passwordHash },
          tx,
        );
        await this.orgs.createOrganization(cmd.organizationName, userId, tx, orgId);
      });
    } catch (e) {
      if (e instanceof DbConflictError) throw AuthError.emailTaken();
      throw e;
    }
    await this.events.publish({
      action: 'user.signup',
      actor: { kind: 'user', id: userId, via: 'session', credentialId: '', ...cmd.from },
      orgId,
      target: { type: 'user', id: userId },
      details: { email: cmd.email },
    });
    const expiresAt = new Date(this.clock() + this.config.sessionTtlMs);
    const session = await startSession(this.auth, userId, cmd.from, expiresAt);
    return { userId, orgId, session };
  }
}
