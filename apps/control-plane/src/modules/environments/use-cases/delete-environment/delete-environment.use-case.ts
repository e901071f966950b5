/**
 * Deletes an environment. Contexts holding things in it (clusters) register deletion hooks:
 * one that blocks while live clusters remain, one that removes the DELETED ones with it.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { EnvironmentId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DeletionHooks } from '../../../../platform/deletion-hooks.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { Transactions } from '../../../../platform/transactions.js';
import { EnvironmentsError } from '../../environments.errors.js';
import { EnvironmentsRepository } from '../../environments.repository.js';

export interface DeleteEnvironmentCommand {
  orgId: OrgId;
  actor: Actor;
  environmentId: EnvironmentId;
}

@Injectable()
export class DeleteEnvironmentUseCase {
  constructor(
    @Inject(EnvironmentsRepository) private readonly envs: EnvironmentsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: DeleteEnvironmentCommand): Promise<void> {
    const subject = { orgId: cmd.orgId, environmentId: cmd.environmentId };
    await this.transactions.run(async (tx) => {
      if (await this.hooks.blocked('environment', subject, tx)) throw EnvironmentsError.notEmpty();
      await this.hooks.cascade('environment', subject, tx);
      await this.envs.delete(cmd.orgId, cmd.environmentId, tx);
    });
    await this.events.publish({
      action: 'environment.delete',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'environment', id: cmd.environmentId },
    });
  }
}
