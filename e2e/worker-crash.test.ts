/**
 * A worker killed (SIGKILL) in the middle of a provisioning job, then replaced by two workers
 * at once: the job is handed on after its lock expires, the periodic sweep enqueues the same
 * cluster again, and still exactly one pool results — one pool directory, one broker process
 * — and the cluster reaches RUNNING. The control plane's TRIBUTARY_TEST_PROVISION_PAUSE_MS
 * holds the first worker inside the job (after it chose the agent, before it wrote the pool
 * spec) so the kill lands there.
 */
import {
  createCluster,
  createEnvironment,
  createKeyWithAcls,
  PlatformProcess,
  produceUntilAccepted,
  runningBrokerPids,
  startPlatform,
  type TestPlatform,
  waitForCluster,
} from '@tributary/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let p: TestPlatform;
let second: PlatformProcess | undefined;

beforeAll(async () => {
  p = await startPlatform({
    workerEnv: { TRIBUTARY_TEST_PROVISION_PAUSE_MS: '120000', TRIBUTARY_JOB_LOCK_MS: '2000' },
  });
}, 90_000);

afterAll(async () => {
  await second?.stop();
  await p?.dispose();
}, 60_000);

it('a worker killed mid-provisioning leaves exactly one pool, and the cluster runs', async () => {
  const { client, orgId } = await p.signUp();
  const env = await createEnvironment(client, orgId);
  const worker = p.process('worker');
  const from = worker.lineCount;
  const cluster = await createCluster(client, env, 'crash-test');
  const id: string = cluster.id;

  // The first worker chose the agent and now sits inside the job.
  await worker.waitForLine(`provision ${id}: agent`, 20_000, from);
  expect(await p.pools()).toEqual([]);
  await p.kill('worker');
  expect((await client.get(`/v1/kafka/clusters/${id}`)).status).toBe('PROVISIONING');

  // Two fresh workers (no pause) race for the stalled job and the sweep's re-enqueue.
  const noPause = { TRIBUTARY_TEST_PROVISION_PAUSE_MS: '0' };
  second = new PlatformProcess({ ...worker.o, name: 'worker-2' });
  const restartedFrom = worker.lineCount;
  await Promise.all([p.start('worker', noPause), second.start(noPause)]);

  const running = await waitForCluster(client, id, 'RUNNING', 60_000);
  const written = [worker, second].flatMap((w) =>
    w
      .output()
      .split('\n')
      .filter((l) => l.includes(`provision ${id}: pool spec written`)),
  );
  expect(written.length).toBeGreaterThanOrEqual(1);
  expect(worker.output().split('\n').slice(restartedFrom).join('\n') + second.output()).toMatch(
    new RegExp(`provision-cluster .*${id}`),
  );

  const [pid] = await runningBrokerPids(p, id, 1);
  // Give the sweep (every 3 s) and any retried job time to do something wrong.
  await new Promise((r) => setTimeout(r, 7_000));
  expect(await p.pools()).toEqual([id]);
  expect([...(await p.brokerProcesses()).keys()]).toEqual([pid]);
  expect((await client.get(`/v1/kafka/clusters/${id}`)).status).toBe('RUNNING');

  // And it serves.
  const key = await createKeyWithAcls(client, orgId, id, 'crash');
  await produceUntilAccepted(running.bootstrap_endpoint, 'crash-events', key, 'after the crash');
}, 110_000);
