/**
 * Tiered storage under the agent, end to end: the agent process with the region's S3 (a real
 * S3 HTTP server, s3rver), real broker processes, kcat. Two pools tier a topic whose spec
 * configs set remote.storage.enable, small segments and a small local retention; their closed
 * segments appear under `region-a/clusters/<their id>/` only, and kcat reads one of them from
 * offset 0 byte-identical after the local copies are gone. The S3 key pair is in neither a
 * broker's command line nor its environment. A spec that sets rsm.* is refused. Deleting a
 * pool while S3 is down leaves it DELETING with a message (across an agent restart) with its
 * brokers and data already gone; once S3 is back it becomes DELETED with its prefix empty and
 * the other pool's objects untouched. Deleting the other pool with S3 up empties the bucket.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  createTempDir,
  kcatConsume,
  kcatProduce,
  startS3Server,
  type S3Server,
  type TempDir,
} from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allow,
  makeKey,
  plain,
  poolSpec,
  startHarness,
  type AgentHarness,
  type TestKey,
} from './support/fixtures.js';
import { poolAccess, type PoolAccess } from './support/pool-access.js';
import { pidAlive, waitUntil } from './support/pool-cleanup.js';

const A = 'lkc-tier-a';
const B = 'lkc-tier-b';
const BUCKET = 'tributary-region-a';
const PREFIX = 'region-a/';
// s3rver knows one key id (S3RVER) but does not check signatures: any secret works, so the
// test can look for this one.
const ACCESS_KEY_ID = 'S3RVER';
const SECRET = `agent-s3-secret-${randomBytes(8).toString('hex')}`;

let s3dir: TempDir;
let s3: S3Server;
let client: S3Client;
let h: AgentHarness;
let key: TestKey;
const pools: Record<string, PoolAccess> = {};

const record = (i: number) => ({ key: `k-${i}`, value: randomBytes(500).toString('hex') });
const recordsA = Array.from({ length: 4000 }, (_, i) => record(i));
const recordsB = Array.from({ length: 2500 }, (_, i) => record(i));

function tieredPool(clusterId: string) {
  const base = poolSpec(clusterId);
  return poolSpec(clusterId, {
    credentials: [key.credential],
    acls: [allow(key.principal, 'TOPIC', '*')],
    brokerConfig: {
      ...base.brokerConfig,
      'remote.log.manager.task.interval.ms': '250',
      'log.retention.check.interval.ms': '250',
    },
    topics: [
      {
        name: 'events',
        state: 'PRESENT',
        partitions: 1,
        configs: {
          'remote.storage.enable': 'true',
          'segment.bytes': '1048576',
          'local.retention.bytes': '1048576',
        },
      },
    ],
  });
}

/** Every key in the bucket under `prefix` (one page is enough for these tests). */
async function keys(prefix = ''): Promise<string[]> {
  const r = await client.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: prefix }));
  expect(r.IsTruncated ?? false).toBe(false);
  return (r.Contents ?? []).map((o) => o.Key!).sort();
}

const clusterPrefix = (id: string) => `${PREFIX}clusters/${id}/`;

beforeAll(async () => {
  key = await makeKey('key-tier');
  s3dir = await createTempDir('agent-tiered-s3-');
  s3 = await startS3Server({ dataDir: s3dir.path, buckets: [BUCKET] });
  client = new S3Client(s3.clientConfig());
  h = await startHarness('21500-21599', {
    TRIBUTARY_AGENT_S3_ENDPOINT: s3.endpoint,
    TRIBUTARY_AGENT_S3_REGION: s3.region,
    TRIBUTARY_AGENT_S3_BUCKET: BUCKET,
    TRIBUTARY_AGENT_S3_PREFIX: PREFIX,
    TRIBUTARY_AGENT_S3_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET,
  });
  h.cp.setPool(tieredPool(A));
  h.cp.setPool(tieredPool(B));
  for (const id of [A, B]) {
    await h.cp.waitFor(id, (o) => o.phase === 'RUNNING' && o.observedGeneration === 1, 30_000);
    pools[id] = await poolAccess(h.tmp.path, id);
  }
}, 60_000);

afterAll(async () => {
  expect(h?.cp.protocolErrors ?? []).toEqual([]);
  await h?.close();
  client?.destroy();
  await s3?.stop();
  await s3dir?.remove();
});

describe('agent with tiered storage', () => {
  it('starts brokers on their own prefix; the key pair only in a 0600 file', async () => {
    const pid = await pools[A].brokers[0].pid();
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    expect(argv).toContain('remote.log.storage.system.enable=true');
    expect(argv).toContain(`rsm.config.cluster.id=${A}`);
    expect(argv).toContain(`rsm.config.key.prefix=${PREFIX}`);
    expect(argv).toContain(`rsm.config.storage.s3.bucket.name=${BUCKET}`);
    const file = join(pools[A].dir, 's3-credentials.properties');
    expect(argv[argv.indexOf('--config') + 1]).toBe(file);
    for (const secret of [SECRET, ACCESS_KEY_ID]) {
      expect(argv.join(' ')).not.toContain(secret);
      expect(environ).not.toContain(secret);
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(
      `rsm.config.storage.aws.access.key.id=${ACCESS_KEY_ID}\nrsm.config.storage.aws.secret.access.key=${SECRET}\n`,
    );
  });

  it("tiers each pool's closed segments under its own prefix; kcat reads from offset 0", async () => {
    await Promise.all([
      kcatProduce(
        { bootstrap: pools[A].brokers[0].bootstrap, topic: 'events', security: plain(key) },
        recordsA,
      ),
      kcatProduce(
        { bootstrap: pools[B].brokers[0].bootstrap, topic: 'events', security: plain(key) },
        recordsB,
      ),
    ]);
    const logsOf = async (id: string) =>
      (await keys(clusterPrefix(id))).filter((k) => k.endsWith('.log'));
    await waitUntil(
      'closed segments of both pools in S3',
      async () => (await logsOf(A)).length >= 3 && (await logsOf(B)).length >= 2,
      30_000,
      200,
    );
    expect((await logsOf(A))[0]).toMatch(
      /^region-a\/clusters\/lkc-tier-a\/topics\/[A-Za-z0-9_-]{22}\/0000000000\/00000000000000000000-[A-Za-z0-9_-]{22}\.log$/,
    );
    // Nothing outside the two clusters' prefixes.
    for (const k of await keys())
      expect(k.startsWith(clusterPrefix(A)) || k.startsWith(clusterPrefix(B))).toBe(true);

    // Local copies beyond local.retention.bytes go once uploaded: offset 0 is only in S3.
    const partitionDir = join(pools[A].dir, 'broker-0', 'logs', 'events-0');
    await waitUntil(
      'the first local segment deleted',
      async () => {
        const local = (await readdir(partitionDir)).filter((n) => n.endsWith('.log')).sort();
        return local.length > 0 && Number(local[0].slice(0, 20)) > 0;
      },
      30_000,
      200,
    );
    const got = await kcatConsume({
      bootstrap: pools[A].brokers[0].bootstrap,
      topic: 'events',
      partition: 0,
      offset: 'beginning',
      security: plain(key),
    });
    expect(got.map((r) => r.offset)).toEqual(recordsA.map((_, i) => i));
    got.forEach((r, i) => {
      expect(r.key?.toString()).toBe(recordsA[i].key);
      expect(r.value?.toString()).toBe(recordsA[i].value);
    });
  });

  it("refuses a spec that sets rsm.* (another cluster's prefix); the pool runs on as it was", async () => {
    const pid = await pools[A].brokers[0].pid();
    const refused = h.cp.update(A, (s) => ({
      brokerConfig: { ...s.brokerConfig, 'rsm.config.cluster.id': B },
    }));
    const obs = await h.cp.waitFor(A, (o) =>
      /rsm\.config\.cluster\.id refused/.test(o.message ?? ''),
    );
    expect(obs.message).toMatch(/set by the agent/);
    expect(obs.observedGeneration).toBe(refused.generation - 1);
    expect(obs.phase).toBe('RUNNING');
    const fixed = h.cp.update(A, (s) => {
      const brokerConfig = { ...s.brokerConfig };
      delete brokerConfig['rsm.config.cluster.id'];
      return { brokerConfig };
    });
    await h.cp.waitFor(A, (o) => o.observedGeneration === fixed.generation && o.message === null);
    expect(await pools[A].brokers[0].pid()).toBe(pid);
  });

  it('deleting while S3 is down: DELETING with a message, also after an agent restart; DELETED once S3 is back', async () => {
    const pidA = await pools[A].brokers[0].pid();
    const pidB = await pools[B].brokers[0].pid();
    const objectsB = await keys(clusterPrefix(B));
    expect((await keys(clusterPrefix(A))).length).toBeGreaterThan(0);
    const port = s3.port;
    await s3.stop();
    h.cp.update(A, () => ({ state: 'DELETED' }));
    const deleting = await h.cp.waitFor(A, (o) => o.phase === 'DELETING', 30_000);
    expect(deleting.message).toMatch(
      /^S3 data of the cluster not deleted yet \(s3:\/\/tributary-region-a\/region-a\/clusters\/lkc-tier-a\/\): /,
    );
    // The brokers are stopped and the pool's files removed before S3 is touched.
    expect(pidAlive(pidA)).toBe(false);
    await expect(stat(pools[A].dir)).rejects.toThrow();

    // The intent survives the agent: a new one reports DELETING again, not DELETED.
    await h.restartAgent('kill');
    const restartedAt = new Date().toISOString();
    const again = await h.cp.waitFor(
      A,
      (o) => o.phase === 'DELETING' && o.observedAt > restartedAt,
      30_000,
    );
    expect(again.message).toMatch(/S3 data of the cluster not deleted yet/);

    s3 = await startS3Server({ dataDir: s3dir.path, port, buckets: [BUCKET] });
    const deleted = await h.cp.waitFor(A, (o) => o.phase === 'DELETED', 30_000);
    expect(deleted.message).toBe(null);
    expect(await keys(clusterPrefix(A))).toEqual([]);
    expect(await keys(clusterPrefix(B))).toEqual(objectsB);
    // The other pool ran through it all: same process, RUNNING.
    expect(await pools[B].brokers[0].pid()).toBe(pidB);
    expect(pidAlive(pidB)).toBe(true);
    await h.cp.waitFor(B, (o) => o.phase === 'RUNNING');
  });

  it('deleting the other pool with S3 up removes its processes, data and prefix', async () => {
    const pidB = await pools[B].brokers[0].pid();
    h.cp.update(B, () => ({ state: 'DELETED' }));
    await h.cp.waitFor(B, (o) => o.phase === 'DELETED' && o.message === null, 30_000);
    expect(pidAlive(pidB)).toBe(false);
    await expect(stat(pools[B].dir)).rejects.toThrow();
    expect(await keys()).toEqual([]);
  });
});
