/** One cluster. */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, KafkaCluster, OrgId } from '@tributary/db';
import { ClustersRepository } from '../../clusters.repository.js';

@Injectable()
export class GetClusterUseCase {
  constructor(@Inject(ClustersRepository) private readonly clusters: ClustersRepository) {}

  execute(q: { orgId: OrgId; clusterId: ClusterId }): Promise<KafkaCluster> {
    return this.clusters.get(q.orgId, q.clusterId);
  }
}
