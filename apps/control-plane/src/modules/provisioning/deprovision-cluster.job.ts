/**
 * Deprovisioning a cluster: marks its pool DELETED for the agent (a new pool generation;
 * the agent's observation then makes the cluster DELETED); a cluster that never got a pool
 * is DELETED at once. Idempotent: a pool already DELETED, or a cluster no longer DELETING,
 * is skipped.
 */
import { asClusterId } from '@tributary/db';
import type { ProvisioningJobs } from '../../platform/queues.js';
import type { ProvisioningRepository } from './provisioning.repository.js';

export class DeprovisionClusterJob {
  constructor(private readonly provisioning: ProvisioningRepository) {}

  async handle(
    data: ProvisioningJobs['deprovision-cluster'],
  ): Promise<'deprovisioned' | 'deleted' | 'skipped'> {
    const clusterId = asClusterId(data.clusterId);
    const cluster = await this.provisioning.cluster(clusterId);
    if (!cluster || cluster.status !== 'DELETING') return 'skipped';
    const spec = await this.provisioning.poolSpec(clusterId);
    if (!spec) {
      await this.provisioning.deleteWithoutPool(clusterId);
      return 'deleted';
    }
    if (spec.state === 'DELETED') return 'skipped';
    await this.provisioning.markPoolDeleted(spec);
    return 'deprovisioned';
  }
}
