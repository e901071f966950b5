/** The live (not DELETED) clusters of an environment. */
import { Inject, Injectable } from '@nestjs/common';
import type { EnvironmentId, KafkaCluster, OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { ClustersRepository } from '../../clusters.repository.js';

@Injectable()
export class ListClustersUseCase {
  constructor(@Inject(ClustersRepository) private readonly clusters: ClustersRepository) {}

  execute(q: {
    orgId: OrgId;
    environmentId: EnvironmentId;
    page: PageRequest;
  }): Promise<KafkaCluster[]> {
    return this.clusters.list(q.orgId, q.environmentId, q.page);
  }
}
