/** Creates an environment; names are unique per organization. */
import { Inject, Injectable } from '@nestjs/common';
import { DbConflictError, type Environment } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { EnvironmentsError } from '../../environments.errors.js';
import { EnvironmentsRepository } from '../../environments.repository.js';
import type { CreateEnvironmentCommand } from './create-environment.command.js';

@Injectable()
export class CreateEnvironmentUseCase {
  constructor(
    @Inject(EnvironmentsRepository) private readonly envs: EnvironmentsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: CreateEnvironmentCommand): Promise<Environment> {
    let env: Environment;
    try {
      env = await this.envs.create(cmd.orgId, cmd.name);
    } catch (e) {
      if (e instanceof DbConflictError) throw EnvironmentsError.duplicateName();
      throw e;
    }
    await this.events.publish({
      action: 'environment.create',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'environment', id: env.id },
      details: { name: cmd.name },
    });
    return env;
  }
}
