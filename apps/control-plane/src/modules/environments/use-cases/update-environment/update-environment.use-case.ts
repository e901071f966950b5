/** Renames an environment (If-Match, then a versioned update; names stay unique). */
import { Inject, Injectable } from '@nestjs/common';
import { DbConflictError, DbStaleError, type Environment } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { checkVersion } from '../../../../platform/etag.js';
import { problems } from '../../../../platform/problem.js';
import { EnvironmentsError } from '../../environments.errors.js';
import { EnvironmentsRepository } from '../../environments.repository.js';
import type { UpdateEnvironmentCommand } from './update-environment.command.js';

@Injectable()
export class UpdateEnvironmentUseCase {
  constructor(
    @Inject(EnvironmentsRepository) private readonly envs: EnvironmentsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: UpdateEnvironmentCommand): Promise<Environment> {
    const env = await this.envs.get(cmd.orgId, cmd.environmentId);
    checkVersion(cmd.expectedVersion, env.version);
    let updated: Environment;
    try {
      updated = await this.envs.rename(cmd.orgId, cmd.environmentId, env.version, cmd.name);
    } catch (e) {
      if (e instanceof DbStaleError) throw problems.preconditionFailed(e.message);
      if (e instanceof DbConflictError) throw EnvironmentsError.duplicateName();
      throw e;
    }
    await this.events.publish({
      action: 'environment.update',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'environment', id: cmd.environmentId },
      details: { name: cmd.name },
    });
    return updated;
  }
}
