/**
 * Tiered storage through the whole platform, with only HTTP, Kafka clients and S3 LIST: the
 * agent runs with the region's S3 (an s3rver, key prefix `e2e-region/`); a customer signs up,
 * gets a basic cluster, a service account with topic READ/WRITE/DESCRIBE and group READ ACLs
 * and an API key, creates two topics through REST with `remote.storage.enable=true` and 1 MiB
 * segments / local retention, and produces ~10 MiB and ~3 MiB of keyed records with kcat
 * (idempotent) over SASL/PLAIN. Then: segments appear in S3 under
 * `e2e-region/clusters/<clusterId>/topics/<topicId>/` (the topic id the REST API shows); every
 * closed segment gets there and the broker drops the local copies beyond local.retention.bytes
 * (its data dir, and ListOffsets EARLIEST_LOCAL / LATEST_TIERED through Kafka's own
 * GetOffsetShell agree with it); kcat and kafkajs read the whole topic back from offset 0
 * byte-identical with dense offsets (and kcat from inside a remote segment); the usage the
 * control plane stored (UsageSample rows) carries exactly the bytes S3 holds; deleting one
 * topic through REST removes exactly its objects; deleting the cluster empties its prefix.
 * Prints timings.
 *
 * The pool's brokers run with Kafka's defaults for remote.log.manager.task.interval.ms (30 s,
 * copies) and log.retention.check.interval.ms (300 s, local deletion): a plan does not set them
 * today, so the wait for local deletion takes most of the run (about 4.5 of 6 minutes). The
 * deadlines are upper bounds: with shorter intervals the test finishes in about a minute.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { parseSegmentObjectKey, S3ObjectStore } from '@tributary/tiered-storage';
import {
  type ClusterKey,
  type Json,
  type PlatformClient,
  createCluster,
  createEnvironment,
  createTempDir,
  createTopic,
  kcatConsume,
  kcatProduce,
  runJavaMain,
  runningBrokerPids,
  saslPlain,
  startPlatform,
  type TempDir,
  type TestPlatform,
  waitForCluster,
  waitForStatus,
  waitUntil,
} from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = 'e2e-region/';
const BIG = 'clicks.tiered';
const SMALL = 'clicks.kept';
const LOCAL_RETENTION_BYTES = 1024 * 1024;
const TIERED_CONFIGS = {
  'remote.storage.enable': 'true',
  'segment.bytes': String(1024 * 1024),
  'local.retention.bytes': String(LOCAL_RETENTION_BYTES),
};
// Kafka's defaults on the pool's brokers: copy pass every 30 s, local retention every 300 s.
const COPY_DEADLINE_MS = 120_000;
const LOCAL_DELETION_DEADLINE_MS = 420_000;

let p: TestPlatform;
let store: S3ObjectStore;
let tmp: TempDir;
const timings: [string, number][] = [];
const t0 = Date.now();
async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await work();
  timings.push([step, Math.round(performance.now() - start)]);
  return out;
}

beforeAll(async () => {
  p = await timed('platform start (pg, redis, s3, api, worker, agent)', () =>
    startPlatform({ s3: { prefix: PREFIX } }),
  );
  const s3 = p.s3!;
  store = new S3ObjectStore({
    endpoint: s3.server.endpoint,
    region: s3.server.region,
    bucket: s3.bucket,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.server.accessKeyId, secretAccessKey: s3.server.secretAccessKey },
  });
  tmp = await createTempDir('tributary-tiered-e2e-');
}, 90_000);

afterAll(async () => {
  store?.close();
  await p?.dispose();
  await tmp?.remove();
  if (timings.length) {
    console.log(
      `tiered platform timings (ms):\n${timings.map(([s, ms]) => `  ${String(ms).padStart(6)}  ${s}`).join('\n')}\n  total ${Date.now() - t0} ms`,
    );
  }
}, 60_000);

/** Kafka's text form of a topic id (what object keys use): base64url of the UUID's 16 bytes. */
function kafkaTopicId(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}

function records(prefix: string, count: number, valueBytes: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`${prefix}-${i}`),
    value: Buffer.from(randomBytes((valueBytes * 3) / 4).toString('base64')),
  }));
}

const digest = (parts: (Buffer | null)[]) => {
  const h = createHash('sha256');
  for (const b of parts) h.update(b === null ? 'null' : `${b.length}:`).update(b ?? '');
  return h.digest('hex');
};

describe('tiered storage through the platform', () => {
  let client: PlatformClient;
  let clusterId: string;
  let bootstrap: string;
  let key: ClusterKey;
  let brokerDataDir: string;
  let topicIds: Record<string, string>;
  const sent: Record<string, { key: Buffer; value: Buffer }[]> = {
    [BIG]: records('big', 1200, 8192),
    [SMALL]: records('small', 400, 8192),
  };
  const clusterPrefix = () => `${PREFIX}clusters/${clusterId}/`;
  const topicPrefix = (topic: string) => `${clusterPrefix()}topics/${topicIds[topic]}/`;
  /** Partition 0's segment files in the broker's data dir (the pool's, made by the agent). */
  const localSegments = async (topic: string) => {
    const dir = join(brokerDataDir, 'logs', `${topic}-0`);
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort();
    return Promise.all(
      names.map(async (f) => ({
        baseOffset: Number(f.slice(0, 20)),
        bytes: (await stat(join(dir, f))).size,
      })),
    );
  };
  const kafka = () =>
    new Kafka({
      clientId: 'e2e-tiered',
      brokers: [bootstrap],
      sasl: { mechanism: 'plain', username: key.id, password: key.secret },
      logLevel: logLevel.NOTHING,
    });
  /** Partition 0's log start and end offsets (ListOffsets EARLIEST / LATEST) through kafkajs. */
  const logRange = async (topic: string) => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      const [p0] = await admin.fetchTopicOffsets(topic);
      return { earliest: Number(p0.low), latest: Number(p0.high) };
    } finally {
      await admin.disconnect();
    }
  };
  /** Kafka's GetOffsetShell (kafka-get-offsets.sh) with the API key: partition 0's offset. */
  const getOffset = async (topic: string, time: string): Promise<number> => {
    const config = join(tmp.path, 'client.properties');
    await writeFile(
      config,
      [
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${key.id}" password="${key.secret}";`,
        '',
      ].join('\n'),
    );
    const out = await runJavaMain(
      'org.apache.kafka.tools.GetOffsetShell',
      [
        '--bootstrap-server',
        bootstrap,
        '--command-config',
        config,
        '--topic-partitions',
        `${topic}:0`,
        '--time',
        time,
      ],
      { timeoutMs: 60_000 },
    );
    const line = out.stdout.toString('utf8').trim();
    const m = new RegExp(`^${topic.replace(/\./g, '\\.')}:0:(-?\\d+)$`).exec(line);
    if (!m) throw new Error(`GetOffsetShell printed ${JSON.stringify(line)}`);
    return Number(m[1]);
  };

  it('a basic cluster, a service account with ACLs and an API key', async () => {
    const u = await timed('sign up', () => p.signUp({ name: 'Tiered' }));
    client = u.client;
    const envId = await createEnvironment(client, u.orgId);
    const cluster = await createCluster(client, envId, 'clicks');
    clusterId = cluster.id;
    const running = await timed('cluster PROVISIONING -> RUNNING', () =>
      waitForCluster(client, clusterId),
    );
    bootstrap = running.bootstrap_endpoint;
    await runningBrokerPids(p, clusterId, 1);
    brokerDataDir = (await p.brokers(clusterId))[0].dataDir;

    const sa = await client.post('/v1/service-accounts', { organization_id: u.orgId, name: 'app' });
    const acl = (resource_type: string, operation: string) =>
      client.post(`/v1/kafka/clusters/${clusterId}/acls`, {
        resource_type,
        resource_name: 'clicks.',
        pattern_type: 'PREFIXED',
        principal: sa.principal,
        operation,
        permission: 'ALLOW',
      });
    for (const op of ['READ', 'WRITE', 'DESCRIBE']) await acl('TOPIC', op);
    await acl('GROUP', 'READ');
    const created = await client.post('/v1/api-keys', {
      cluster_id: clusterId,
      owner: { kind: 'service_account', id: sa.id },
      description: 'tiered e2e',
    });
    await timed('API key READY', () =>
      waitForStatus(client, `/v1/api-keys/${created.id}`, 'READY', { timeoutMs: 15_000 }),
    );
    key = { id: created.id, secret: created.secret, serviceAccountId: sa.id };
  });

  it('tiered topics through REST, produced with kcat over SASL', async () => {
    const made: Json[] = [];
    for (const name of [BIG, SMALL])
      made.push(
        await timed(`topic ${name} through REST until READY`, () =>
          createTopic(client, clusterId, name, 1, TIERED_CONFIGS),
        ),
      );
    for (const t of made) {
      expect(t).toMatchObject({ managed: true, partitions: 1, configs: TIERED_CONFIGS });
      expect(t.observed.configs).toMatchObject(TIERED_CONFIGS);
    }
    // The basic plan tiers new topics by default: one created without configs is tiered too
    // (the broker writes remote.storage.enable=true into its own overrides).
    const plain = await createTopic(client, clusterId, `${SMALL}.plain`, 1);
    expect(plain.configs).toEqual({});
    expect(plain.observed.configs['remote.storage.enable']).toBe('true');
    topicIds = Object.fromEntries(made.map((t) => [t.name, kafkaTopicId(t.observed.topic_id)]));
    for (const name of [BIG, SMALL])
      await timed(`kcat produce ${sent[name].length} records to ${name}`, () =>
        kcatProduce(
          {
            bootstrap,
            topic: name,
            security: saslPlain(key),
            timeoutMs: 90_000,
            // Several batches per 1 MiB segment, so the segments' offset indexes have entries.
            properties: { 'enable.idempotence': 'true', 'linger.ms': '20', 'batch.size': '65536' },
          },
          sent[name],
        ),
      );
    expect(await logRange(BIG)).toEqual({ earliest: 0, latest: sent[BIG].length });
  }, 180_000);

  it(
    'closed segments are copied to S3 under the cluster and topic prefix',
    async () => {
      const objects = await timed('first segments in S3 (copy pass)', () =>
        waitUntil(
          `segments of ${BIG} in S3`,
          async () => {
            const listed = await store.list(topicPrefix(BIG));
            return listed.some((o) => o.key.endsWith('.log')) ? listed : undefined;
          },
          COPY_DEADLINE_MS,
          500,
        ),
      );
      // {prefix}clusters/{clusterId}/topics/{topicId}/{partition:010}/{base:020}-{uploadId}.kind
      const partitionDir = `${topicPrefix(BIG)}0000000000/`;
      const name = /^\d{20}-[A-Za-z0-9_-]{22}\.(log|index|timeindex|snapshot)$/;
      for (const o of objects) {
        expect(o.key.startsWith(partitionDir)).toBe(true);
        expect(o.key.slice(partitionDir.length)).toMatch(name);
      }
      // Copies go in offset order: the first one is the segment at offset 0.
      expect(objects[0].key.slice(partitionDir.length)).toMatch(/^0{20}-/);
      expect(objects.filter((o) => o.size === 0)).toEqual([]);
    },
    COPY_DEADLINE_MS + 60_000,
  );

  it(
    'every closed segment is tiered and the local copies beyond local.retention.bytes go',
    async () => {
      const local = await timed('all copied, local segments deleted (retention check)', () =>
        waitUntil(
          `${BIG}: every closed segment in S3, the local log within local.retention.bytes`,
          async () => {
            const segments = await localSegments(BIG);
            const bases = segments.map((g) => g.baseOffset);
            const inS3 = new Set(
              (await store.list(topicPrefix(BIG)))
                .map((o) => parseSegmentObjectKey(o.key))
                .filter((k) => k?.kind === 'log')
                .map((k) => k!.baseOffset),
            );
            const bytes = segments.reduce((n, g) => n + g.bytes, 0);
            // Kafka keeps the oldest segment while the rest alone stays under the limit.
            const trimmed = bytes - (segments[0]?.bytes ?? 0) < LOCAL_RETENTION_BYTES;
            const copied = bases.slice(0, -1).every((b) => inS3.has(b));
            return bases[0] > 0 && trimmed && copied ? bases : undefined;
          },
          LOCAL_DELETION_DEADLINE_MS,
          1_000,
        ),
      );
      // What a client sees matches the data dir: the local log starts at its oldest segment,
      // everything below the active segment is tiered, the log still starts at 0.
      expect(await getOffset(BIG, 'earliest-local')).toBe(local[0]);
      expect((await getOffset(BIG, 'latest-tiered')) + 1).toBe(local[local.length - 1]);
      expect(await logRange(BIG)).toEqual({ earliest: 0, latest: sent[BIG].length });
    },
    LOCAL_DELETION_DEADLINE_MS + 60_000,
  );

  it('kcat and kafkajs read the whole topic from offset 0, byte-identical', async () => {
    const want = sent[BIG];
    const got = await timed(`kcat consume ${want.length} records from offset 0`, () =>
      kcatConsume({
        bootstrap,
        topic: BIG,
        security: saslPlain(key),
        offset: 0,
        timeoutMs: 90_000,
      }),
    );
    expect(got.map((r) => r.offset)).toEqual(want.map((_, i) => i));
    expect(got.map((r) => r.partition)).toEqual(want.map(() => 0));
    const same = (r: { key: Buffer | null; value: Buffer | null }, i: number) =>
      r.key?.equals(want[i].key) === true && r.value?.equals(want[i].value) === true;
    expect(got.findIndex((r, i) => !same(r, i))).toBe(-1);
    // A read starting inside a remote segment (found through its uploaded offset index).
    const middle = await kcatConsume({
      bootstrap,
      topic: BIG,
      security: saslPlain(key),
      offset: 500,
      count: 50,
      timeoutMs: 30_000,
    });
    expect(middle.map((r) => r.offset)).toEqual(want.slice(500, 550).map((_, i) => 500 + i));
    expect(middle.findIndex((r, i) => !same(r, 500 + i))).toBe(-1);

    const consumer = kafka().consumer({ groupId: 'clicks.readers' });
    const seen: { offset: number; key: Buffer | null; value: Buffer | null }[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: BIG, fromBeginning: true });
      await timed(`kafkajs consume ${want.length} records from offset 0`, async () => {
        await consumer.run({
          eachMessage: async ({ message }) => {
            seen.push({ offset: Number(message.offset), key: message.key, value: message.value });
          },
        });
        await waitUntil('kafkajs to read the topic', () => seen.length >= want.length, 90_000, 50);
      });
    } finally {
      await consumer.disconnect();
    }
    expect(seen.map((r) => r.offset)).toEqual(want.map((_, i) => i));
    expect(digest(seen.flatMap((r) => [r.key, r.value]))).toBe(
      digest(want.flatMap((r) => [r.key, r.value])),
    );
  }, 240_000);

  it("the control plane's stored usage carries the remote bytes", async () => {
    const db = new pg.Client({ connectionString: p.databaseUrl });
    await db.connect();
    try {
      const sample = await timed('usage sample = S3 bytes', () =>
        waitUntil(
          'a usage sample whose remote bytes match S3',
          async () => {
            const inS3 = async (prefix: string) =>
              (await store.list(prefix)).reduce((n, o) => n + o.size, 0);
            const [cluster, big, small] = await Promise.all([
              inS3(clusterPrefix()),
              inS3(topicPrefix(BIG)),
              inS3(topicPrefix(SMALL)),
            ]);
            const r = await db.query(
              `SELECT usage FROM "UsageSample" WHERE "clusterId" = $1 ORDER BY "takenAt" DESC LIMIT 1`,
              [clusterId],
            );
            const u = r.rows[0]?.usage;
            return u &&
              cluster > 0 &&
              u.cluster.storedBytesRemote === cluster &&
              u.topics[BIG]?.storedBytesRemote === big &&
              u.topics[SMALL]?.storedBytesRemote === small
              ? u
              : undefined;
          },
          30_000,
          1_000,
        ),
      );
      expect(sample.cluster.storedBytes).toBe(
        sample.cluster.storedBytesLocal + sample.cluster.storedBytesRemote,
      );
      expect(sample.topics[BIG].storedBytesRemote).toBeGreaterThan(7 * 1024 * 1024);
    } finally {
      await db.end();
    }
  });

  it('deleting a topic through REST removes exactly its remote objects', async () => {
    const small = (await store.list(topicPrefix(SMALL))).map((o) => o.key);
    expect(small.filter((k) => k.endsWith('.log')).length).toBeGreaterThanOrEqual(2);
    expect((await store.list(topicPrefix(BIG))).length).toBeGreaterThan(0);
    await client.ok('DELETE', `/v1/kafka/clusters/${clusterId}/topics/${BIG}`, undefined, 202);
    await timed(`topic ${BIG} DELETE -> gone (404) and its S3 objects gone`, async () => {
      await waitUntil(
        'the topic to be gone',
        async () =>
          (await client.call('GET', `/v1/kafka/clusters/${clusterId}/topics/${BIG}`)).status ===
          404,
        30_000,
        100,
      );
      await waitUntil(
        `no objects under ${topicPrefix(BIG)}`,
        async () => (await store.list(topicPrefix(BIG))).length === 0,
        30_000,
        200,
      );
    });
    expect(existsSync(join(brokerDataDir, 'logs', `${BIG}-0`))).toBe(false);
    expect((await store.list(topicPrefix(SMALL))).map((o) => o.key)).toEqual(small);
  });

  it('deleting the cluster empties its S3 prefix', async () => {
    expect((await store.list(clusterPrefix())).length).toBeGreaterThan(0);
    await client.ok('DELETE', `/v1/kafka/clusters/${clusterId}`, undefined, 202);
    await timed('cluster DELETE -> gone (404)', () =>
      waitUntil(
        'the cluster to be gone',
        async () => (await client.call('GET', `/v1/kafka/clusters/${clusterId}`)).status === 404,
        60_000,
        100,
      ),
    );
    expect(await store.list(clusterPrefix())).toEqual([]);
    expect(await p.brokerProcesses()).toEqual(new Map());
  }, 90_000);
});
