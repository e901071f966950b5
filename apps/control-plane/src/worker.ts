/**
 * The control plane's worker: BullMQ processors for provisioning, plus a sweep every few
 * seconds that re-enqueues clusters whose job was lost (API crashed before enqueueing, or
 * Redis was flushed) — job ids are per cluster, so this never duplicates work. A worker
 * killed mid-job leaves the job "stalled"; BullMQ hands it to the next worker after the lock
 * expires (TRIBUTARY_JOB_LOCK_MS), and the job, being idempotent, converges.
 *   DATABASE_URL=... REDIS_URL=... node apps/control-plane/dist/worker.js
 */
import { Worker, type Job } from 'bullmq';
import { applyMigrations, asClusterId, connectDatabase } from '@tributary/db';
import { loadConfig } from './config.js';
import { publishAgentRevision } from './platform/agent-wakeups.js';
import { connectRedis, pingRedis } from './platform/redis.js';
import {
  PROVISIONING_QUEUE,
  Queues,
  type ProvisioningJobName,
  type ProvisioningJobs,
} from './platform/queues.js';
import { DeprovisionClusterJob } from './modules/provisioning/deprovision-cluster.job.js';
import { ProvisionClusterJob } from './modules/provisioning/provision-cluster.job.js';
import { ProvisioningRepository } from './modules/provisioning/provisioning.repository.js';

/** One job class per queued job name, each with one `handle()`. */
type ProvisioningJobClasses = {
  [N in ProvisioningJobName]: { handle(data: ProvisioningJobs[N]): Promise<string> };
};

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await connectDatabase(config.databaseUrl, 4);
  const redis = connectRedis(config.redisUrl, true);
  await pingRedis(redis);
  await applyMigrations({ databaseUrl: config.databaseUrl });
  const queues = new Queues({ url: config.redisUrl, maxRetriesPerRequest: null });
  const log = (line: string) => console.log(`worker: ${line}`);

  const provisioning = new ProvisioningRepository(db);
  const jobs: ProvisioningJobClasses = {
    'provision-cluster': new ProvisionClusterJob(provisioning, {
      pauseMs: config.testProvisionPauseMs,
      log,
    }),
    'deprovision-cluster': new DeprovisionClusterJob(provisioning),
  };
  const worker = new Worker(
    PROVISIONING_QUEUE,
    async (job: Job) => {
      const handler = jobs[job.name as ProvisioningJobName] as
        { handle(d: { clusterId: string }): Promise<string> } | undefined;
      if (!handler) throw new Error(`unknown job ${job.name}`);
      log(`${job.name} ${JSON.stringify(job.data)} attempt ${job.attemptsMade + 1}`);
      const outcome = await handler.handle(job.data);
      // A pool spec written or marked DELETED: wake the agent's long-poll in the API processes.
      const agentId = await provisioning.agentOf(asClusterId(job.data.clusterId));
      if (agentId) publishAgentRevision(redis, agentId);
      return outcome;
    },
    {
      connection: redis,
      concurrency: 4,
      lockDuration: config.jobLockMs,
      stalledInterval: Math.max(500, Math.floor(config.jobLockMs / 2)),
      maxStalledCount: 10,
    },
  );
  worker.on('failed', (job, err) =>
    log(`${job?.name} ${JSON.stringify(job?.data)} failed: ${err.message}`),
  );

  const sweep = async () => {
    const lost = await provisioning.lostJobs();
    for (const clusterId of lost.provision)
      await queues.enqueue('provision-cluster', { clusterId });
    for (const clusterId of lost.deprovision)
      await queues.enqueue('deprovision-cluster', { clusterId });
  };
  let sweeping = true;
  const loop = (async () => {
    while (sweeping) {
      await sweep().catch((e: unknown) => log(`sweep failed: ${(e as Error).message}`));
      await new Promise((r) => setTimeout(r, 3_000));
    }
  })();
  await worker.waitUntilReady();
  console.log('tributary control-plane worker ready');

  const stop = async () => {
    sweeping = false;
    await worker.close();
    await loop;
    await queues.close();
    redis.disconnect();
    await db.$disconnect();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`worker failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
