/** Renames a cluster or switches deletion protection; a DELETING cluster is not modifiable. */
import { Inject, Injectable } from '@nestjs/common';
import { DbConflictError, DbStaleError, type KafkaCluster } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { checkVersion } from '../../../../platform/etag.js';
import { problems } from '../../../../platform/problem.js';
import { ClustersError } from '../../clusters.errors.js';
import { ClustersRepository } from '../../clusters.repository.js';
import type { UpdateClusterCommand } from './update-cluster.command.js';

@Injectable()
export class UpdateClusterUseCase {
  constructor(
    @Inject(ClustersRepository) private readonly clusters: ClustersRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: UpdateClusterCommand): Promise<KafkaCluster> {
    const c = await this.clusters.get(cmd.orgId, cmd.clusterId);
    checkVersion(cmd.expectedVersion, c.version);
    if (c.status === 'DELETING') throw ClustersError.notModifiable(c.status);
    let updated: KafkaCluster;
    try {
      updated = await this.clusters.update(cmd.orgId, cmd.clusterId, c.version, {
        name: cmd.changes.name,
        deletionProtection: cmd.changes.deletion_protection,
      });
    } catch (e) {
      if (e instanceof DbStaleError) throw problems.preconditionFailed(e.message);
      if (e instanceof DbConflictError) throw ClustersError.duplicateName();
      throw e;
    }
    await this.events.publish({
      action: 'kafka_cluster.update',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'kafka_cluster', id: cmd.clusterId },
      details: cmd.changes,
    });
    return updated;
  }
}
