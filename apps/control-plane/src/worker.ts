/**
 * The control plane's worker: BullMQ processors for provisioning, plus a sweep every few
 * seconds that re-enqueues clusters whose job was lost (API crashed before enqueueing, or
 * Redis was flushed) — job ids are per cluster, so this never duplicates work. A worker
 * killed mid-job leaves the job "stalled"; BullMQ hands it to the next worker after the lock
 * expires (TRIBUTARY_JOB_LOCK_MS), and the job, being idempotent, converges.
 *   DATABASE_URL=... REDIS_URL=... node apps/control-plane/dist/worker.js
 */
import { Worker, type Job } from 'bullmq';
import { applyMigrations, connectDatabase } from '@tributary/db';
import { loadConfig } from './config.js';
import { publishAgentRevision } from './platform/agent-wakeups.js';
import { connectRedis, pingRedis } from './platform/redis.js';
import {
  PROVISIONING_QUEUE,
  Queues,
  type ProvisioningJobName,
  type ProvisioningJobs,
} from './platform/queues.js';
import {
  deprovisionCluster,
  provisionCluster,
} from './modules/provisioning/provision-cluster.job.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await connectDatabase(config.databaseUrl, 4);
  const redis = connectRedis(config.redisUrl, true);
  await pingRedis(redis);
  await applyMigrations({ databaseUrl: config.databaseUrl });
  const queues = new Queues({ url: config.redisUrl, maxRetriesPerRequest: null });
  const log = (line: string) => console.log(`worker: ${line}`);

  // A pool spec written or marked DELETED: wake the agent's long-poll in the API processes.
  const wake = async (clusterId: string, outcome: string) => {
    const c = await db.kafkaCluster.findUnique({
      where: { id: clusterId },
      select: { agentId: true },
    });
    if (c?.agentId) publishAgentRevision(redis, c.agentId);
    return outcome;
  };
  const handlers: { [N in ProvisioningJobName]: (data: ProvisioningJobs[N]) => Promise<string> } = {
    'provision-cluster': async (d) =>
      wake(
        d.clusterId,
        await provisionCluster(db, d.clusterId, { pauseMs: config.testProvisionPauseMs, log }),
      ),
    'deprovision-cluster': async (d) =>
      wake(d.clusterId, await deprovisionCluster(db, d.clusterId)),
  };
  const worker = new Worker(
    PROVISIONING_QUEUE,
    async (job: Job) => {
      const handle = handlers[job.name as ProvisioningJobName] as (d: unknown) => Promise<string>;
      if (!handle) throw new Error(`unknown job ${job.name}`);
      log(`${job.name} ${JSON.stringify(job.data)} attempt ${job.attemptsMade + 1}`);
      return handle(job.data);
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
    const [provisioning, deleting] = await Promise.all([
      db.kafkaCluster.findMany({ where: { status: 'PROVISIONING' }, select: { id: true } }),
      db.kafkaCluster.findMany({ where: { status: 'DELETING' }, select: { id: true } }),
    ]);
    const specs = await db.poolSpec.findMany({
      where: { clusterId: { in: [...provisioning, ...deleting].map((c) => c.id) } },
      select: { clusterId: true, state: true },
    });
    const spec = new Map(specs.map((s) => [s.clusterId, s.state]));
    for (const c of provisioning)
      if (!spec.has(c.id)) await queues.enqueue('provision-cluster', { clusterId: c.id });
    for (const c of deleting)
      if (spec.get(c.id) !== 'DELETED')
        await queues.enqueue('deprovision-cluster', { clusterId: c.id });
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
