/**
 * The one registry of queues and their typed job payloads. Job ids are derived from the
 * cluster id, so enqueueing the same work twice yields one job.
 */
import { Queue, type ConnectionOptions } from 'bullmq';

export const PROVISIONING_QUEUE = 'provisioning';

export interface ProvisioningJobs {
  'provision-cluster': { clusterId: string };
  'deprovision-cluster': { clusterId: string };
}
export type ProvisioningJobName = keyof ProvisioningJobs;

// BullMQ refuses custom job ids containing ":".
export const jobId = (name: ProvisioningJobName, clusterId: string) => `${name}.${clusterId}`;

export class Queues {
  readonly provisioning: Queue;
  constructor(connection: ConnectionOptions) {
    this.provisioning = new Queue(PROVISIONING_QUEUE, { connection });
  }

  async enqueue<N extends ProvisioningJobName>(name: N, data: ProvisioningJobs[N]): Promise<void> {
    await this.provisioning.add(name, data, {
      jobId: jobId(name, data.clusterId),
      attempts: 50,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  async close(): Promise<void> {
    await this.provisioning.close();
  }
}
