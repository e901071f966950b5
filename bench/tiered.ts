/**
 * Tiered-storage benchmark: the same data read by a catching-up consumer from local disk and
 * from S3 (after every closed segment was copied and its local copy deleted), and the copy
 * (upload) throughput. Real parts only: our broker process, s3rver (a real S3 HTTP server,
 * storing on this machine's disk) through @aws-sdk/client-s3, and Kafka's own
 * ProducerPerformance / ConsumerPerformance. Run: npm run bench:tiered [-- --records N]
 *
 * Steps: create a topic without tiering, produce N 1 KiB records, consume them all (local);
 * turn on remote.storage.enable with local.retention.bytes=0 and time until the copy backlog
 * is empty (upload); wait for the local copies to go; consume them all again with a new group
 * (remote: Fetch below the local log start reads S3 through the read-ahead cache).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import {
  brokerBuilt,
  createTempDir,
  ensureJavaTools,
  freePort,
  runConsumerPerf,
  runProducerPerf,
  startBroker,
  startS3Server,
} from '../libs/testing/src/index.js';
import { fmt, formatTable } from './table.js';

const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: '131072' },
    'segment-bytes': { type: 'string', default: String(16 * 1024 * 1024) },
    /** Writes the broker's V8 CPU profile (--cpu-prof) into this directory. */
    'cpu-prof': { type: 'string' },
    /** Another broker bundle to run (e.g. an older build, for before/after runs on one machine). */
    'broker-entry': { type: 'string' },
    /** Extra broker properties, KEY=VALUE (e.g. rsm.config.fetch.chunk.cache.prefetch.max.size=8388608). */
    set: { type: 'string', multiple: true, default: [] },
  },
});
const RECORDS = Number(opts.records);
const TOKEN = 'bench-tiered-admin-token-0123';
const TOPIC = 'bench-tiered';

/** CPU seconds (user + system) of a process so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs a phase and measures the CPU the broker and this process (s3rver) spent in it. */
async function measured<T>(
  brokerPid: number,
  run: () => Promise<T>,
): Promise<{ result: T; brokerCpu: number; s3rverCpu: number }> {
  const broker0 = cpuSeconds(brokerPid);
  const self0 = process.cpuUsage();
  const result = await run();
  const self = process.cpuUsage(self0);
  return {
    result,
    brokerCpu: cpuSeconds(brokerPid) - broker0,
    s3rverCpu: (self.user + self.system) / 1e6,
  };
}

interface Usage {
  cluster: {
    storedBytesLocal: number;
    storedBytesRemote: number;
    tieredBacklog: { segments: number; bytes: number; lastError: string | null } | null;
  };
}

async function main(): Promise<void> {
  if (!brokerBuilt()) throw new Error('build the broker first (npm run build)');
  await ensureJavaTools();
  const s3dir = await createTempDir('tributary-bench-s3-');
  const s3 = await startS3Server({ dataDir: s3dir.path, buckets: ['tributary-bench'] });
  const adminPort = await freePort();
  const remoteReadTrouble: string[] = [];
  const props: Record<string, string> = {
    'remote.log.storage.system.enable': 'true',
    'rsm.config.storage.s3.endpoint.url': s3.endpoint,
    'rsm.config.storage.s3.bucket.name': 'tributary-bench',
    'rsm.config.storage.s3.path.style.access.enabled': 'true',
    'rsm.config.storage.aws.access.key.id': s3.accessKeyId,
    'rsm.config.storage.aws.secret.access.key': s3.secretAccessKey,
    'remote.log.manager.task.interval.ms': '500',
    'log.retention.check.interval.ms': '500',
    'log.segment.bytes': opts['segment-bytes'],
  };
  for (const kv of opts.set) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--set wants KEY=VALUE, got ${kv}`);
    props[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const broker = await startBroker({
    entry: opts['broker-entry'],
    args: [
      ...Object.entries(props).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      '--admin-listen',
      `127.0.0.1:${adminPort}`,
    ],
    env: { TRIBUTARY_ADMIN_TOKEN: TOKEN },
    // Remote reads that failed or outlasted remote.fetch.max.wait.ms: what a stalled consumer sees.
    onOutput: (line) => {
      if (/remote read at/.test(line)) remoteReadTrouble.push(line);
    },
    nodeArgs: opts['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${opts['cpu-prof']}`] : [],
  });
  const usage = async (): Promise<Usage> => {
    const r = await fetch(`http://127.0.0.1:${adminPort}/v1/usage`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (!r.ok) throw new Error(`usage: HTTP ${r.status}`);
    return (await r.json()) as Usage;
  };
  const until = async (what: string, ok: (u: Usage) => boolean): Promise<Usage> => {
    const deadline = Date.now() + 600_000;
    for (;;) {
      const u = await usage();
      if (ok(u)) return u;
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    const admin = new Kafka({
      clientId: 'bench',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    const produced = await runProducerPerf({
      bootstrap: broker.bootstrap,
      topic: TOPIC,
      numRecords: RECORDS,
      acks: '1',
    });
    const localRun = await measured(broker.pid, () =>
      runConsumerPerf({
        bootstrap: broker.bootstrap,
        topic: TOPIC,
        numRecords: RECORDS,
        group: 'bench-local',
      }),
    );
    const local = localRun.result;

    const before = await usage();
    const t0 = Date.now();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name: TOPIC,
          configEntries: [
            { name: 'remote.storage.enable', value: 'true' },
            { name: 'local.retention.bytes', value: '0' },
          ],
        },
      ],
    });
    const copied = await until(
      'copies done',
      (u) => u.cluster.storedBytesRemote > 0 && u.cluster.tieredBacklog?.segments === 0,
    );
    const uploadMs = Date.now() - t0;
    const uploadedMb = copied.cluster.storedBytesRemote / (1024 * 1024);
    const after = await until(
      'local copies deleted',
      (u) => u.cluster.storedBytesLocal < Number(opts['segment-bytes']) * 1.5,
    );
    await admin.disconnect();
    const loadBefore = loadavg()[0];
    const remoteRun = await measured(broker.pid, () =>
      runConsumerPerf({
        bootstrap: broker.bootstrap,
        topic: TOPIC,
        numRecords: RECORDS,
        group: 'bench-remote',
      }),
    );
    const remote = remoteRun.result;

    const rows = [
      ['produce (ProducerPerformance, acks=1) MB/s', fmt(produced.mbPerSec)],
      ['catch-up read from local disk MB/s (fetch phase)', fmt(local.fetchMbPerSec)],
      ['catch-up read from S3 MB/s (fetch phase)', fmt(remote.fetchMbPerSec)],
      ['S3 / local read', `${(remote.fetchMbPerSec / local.fetchMbPerSec).toFixed(2)}x`],
      [
        'CPU s in the local read: broker / bench (idle)',
        `${fmt(localRun.brokerCpu, 2)} / ${fmt(localRun.s3rverCpu, 2)}`,
      ],
      [
        'CPU s in the S3 read: broker / s3rver',
        `${fmt(remoteRun.brokerCpu, 2)} / ${fmt(remoteRun.s3rverCpu, 2)}`,
      ],
      ['upload MB/s (enable → backlog empty)', fmt(uploadedMb / (uploadMs / 1000))],
      ['uploaded MiB / seconds', `${fmt(uploadedMb)} / ${fmt(uploadMs / 1000)}`],
      [
        'local bytes before → after tiering',
        `${before.cluster.storedBytesLocal} → ${after.cluster.storedBytesLocal}`,
      ],
    ];
    console.log(
      `\nTiered storage, ${RECORDS} records of 1 KiB, segments of ${opts['segment-bytes']} bytes; ` +
        `${availableParallelism()} CPUs, load ${loadBefore.toFixed(1)} before the S3 read, ` +
        `${loadavg()[0].toFixed(1)} at the end\n`,
    );
    console.log(formatTable(['metric', 'value'], rows));
    console.log(
      `\nslow or failed remote reads logged by the broker: ${remoteReadTrouble.length}` +
        remoteReadTrouble.map((l) => `\n  ${l}`).join(''),
    );
  } catch (err) {
    console.error(`broker output:\n${broker.recentOutput()}`);
    throw err;
  } finally {
    await broker.dispose();
    await s3.stop();
    await s3dir.remove();
  }
}

await main();
