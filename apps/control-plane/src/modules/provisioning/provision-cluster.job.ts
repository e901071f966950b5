/**
 * Provisioning a cluster: pick an agent in the cluster's region, then write the cluster's
 * pool spec. Idempotent and safe to run again after a crash at any point: the agent choice
 * is only set when unset, the pool spec is an upsert keyed by the cluster id (one row per
 * cluster, so a retried job can never make a second pool), and the spec row, the agent
 * revision and the operation move together in one transaction.
 */
import { asAgentId, asClusterId } from '@tributary/db';
import type { ProvisioningJobs } from '../../platform/queues.js';
import { PLANS, poolBase } from '../clusters/plans.js';
import type { ProvisioningRepository } from './provisioning.repository.js';

export class NoAgentError extends Error {}

export interface ProvisionOptions {
  /** Tests only: pause between choosing the agent and writing the spec. */
  pauseMs?: number;
  log?: (line: string) => void;
}

export class ProvisionClusterJob {
  constructor(
    private readonly provisioning: ProvisioningRepository,
    private readonly o: ProvisionOptions = {},
  ) {}

  async handle(data: ProvisioningJobs['provision-cluster']): Promise<'provisioned' | 'skipped'> {
    const clusterId = asClusterId(data.clusterId);
    const { provisioning, o } = this;
    const cluster = await provisioning.cluster(clusterId);
    if (!cluster || cluster.status !== 'PROVISIONING') return 'skipped';
    let agentId = cluster.agentId ? asAgentId(cluster.agentId) : null;
    if (!agentId) {
      const agent = await provisioning.firstAgentIn(cluster.region);
      if (!agent) {
        await provisioning.noteWaitingForAgent(clusterId, cluster.region);
        throw new NoAgentError(`no agent in region ${cluster.region}`);
      }
      agentId = await provisioning.placeOnAgent(clusterId, agent);
      o.log?.(`provision ${clusterId}: agent ${agentId}`);
    }
    if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
    const base = poolBase(PLANS[cluster.plan], cluster.brokers);
    await provisioning.writePoolSpec(cluster, agentId, base);
    o.log?.(`provision ${clusterId}: pool spec written`);
    return 'provisioned';
  }
}
