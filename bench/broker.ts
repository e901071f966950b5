/**
 * Broker benchmark: Tributary's broker vs Apache Kafka, both driven by Kafka's own load
 * generators (kafka-tools ProducerPerformance / ConsumerPerformance) with 1 KiB records.
 * See bench/README.md. Run: npx tsx bench/broker.ts [--records N] [--targets ...] [--json FILE]
 *
 * The library is imported through its public index by path: bench/ is not a workspace package
 * and tsx does not apply tsconfig customConditions, so this works without building libs/testing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { ConsumerPerfResult, ProducerPerfResult } from '../libs/testing/src/index.js';
import {
  brokerBuilt,
  ensureJavaTools,
  javaAdmin,
  runConsumerPerf,
  runProducerPerf,
  startBroker,
  startReferenceKafka,
} from '../libs/testing/src/index.js';
import { fmt, formatTable, ratio } from './table.js';

const TARGETS = ['tributary', 'kafka-default', 'kafka-fsync'] as const;
type TargetName = (typeof TARGETS)[number];

interface Settings {
  targets: TargetName[];
  records: number;
  /** Records per throughput run on kafka-fsync, which is much slower. */
  fsyncRecords: number;
  recordSize: number;
  partitions: number;
  warmupRecords: number;
  latencyRate: number;
  latencyRecords: number;
  kafkaHeapMb: number;
  brokerArgs: string[];
  brokerEntry: string | undefined;
  json: string | undefined;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

interface TargetResult {
  target: TargetName;
  skipped?: string;
  startError?: string;
  produceAcks1?: Outcome<ProducerPerfResult>;
  produceAcksAll?: Outcome<ProducerPerfResult>;
  latencyAcks1?: Outcome<ProducerPerfResult>;
  latencyAcksAll?: Outcome<ProducerPerfResult>;
  consume?: Outcome<ConsumerPerfResult>;
  peakRssBytes?: number;
  cpuSeconds?: number;
  elapsedMs?: number;
}

interface RunningTarget {
  bootstrap: string;
  pid: number;
  peakRssBytes(): number;
  stop(): Promise<unknown>;
}

const USAGE = `usage: npx tsx bench/broker.ts [options]   (each option also as an env var)
  --targets LIST         tributary,kafka-default,kafka-fsync (BENCH_TARGETS; default all)
  --records N            records per throughput run (BENCH_RECORDS; default 500000)
  --fsync-records N      records per throughput run on kafka-fsync (BENCH_FSYNC_RECORDS; default 50000)
  --record-size B        bytes per record (BENCH_RECORD_SIZE; default 1024)
  --partitions P         partitions per topic (BENCH_PARTITIONS; default 1)
  --warmup-records N     untimed records first, to warm up the broker (BENCH_WARMUP_RECORDS; default 100000)
  --latency-rate R       records/s of the fixed-rate latency runs, 0 = skip (BENCH_LATENCY_RATE; default 500)
  --latency-records N    records per latency run (BENCH_LATENCY_RECORDS; default 7500)
  --kafka-heap-mb M      Apache Kafka heap (BENCH_KAFKA_HEAP_MB; default 512)
  --broker-args="..."    extra flags for our broker, e.g. --broker-args="--set k=v" (BENCH_BROKER_ARGS)
  --broker-entry FILE    our broker's entry script (BENCH_BROKER_ENTRY; default apps/broker/dist/main.js)
  --json FILE            also write the raw results as JSON`;

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string' },
      records: { type: 'string' },
      'fsync-records': { type: 'string' },
      'record-size': { type: 'string' },
      partitions: { type: 'string' },
      'warmup-records': { type: 'string' },
      'latency-rate': { type: 'string' },
      'latency-records': { type: 'string' },
      'kafka-heap-mb': { type: 'string' },
      'broker-args': { type: 'string' },
      'broker-entry': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (flag: keyof typeof values, env: string, def: number): number => {
    const raw = values[flag] ?? process.env[env];
    const n = raw === undefined || typeof raw === 'boolean' ? def : Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${flag} expects a whole number, got ${raw}`);
    return n;
  };
  const targets = (values.targets ?? process.env.BENCH_TARGETS ?? TARGETS.join(','))
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const t of targets) {
    if (!(TARGETS as readonly string[]).includes(t)) throw new Error(`unknown target ${t}`);
  }
  const brokerArgs = values['broker-args'] ?? process.env.BENCH_BROKER_ARGS ?? '';
  return {
    targets: targets as TargetName[],
    records: int('records', 'BENCH_RECORDS', 500_000),
    fsyncRecords: int('fsync-records', 'BENCH_FSYNC_RECORDS', 50_000),
    recordSize: int('record-size', 'BENCH_RECORD_SIZE', 1024),
    partitions: Math.max(1, int('partitions', 'BENCH_PARTITIONS', 1)),
    warmupRecords: int('warmup-records', 'BENCH_WARMUP_RECORDS', 100_000),
    latencyRate: int('latency-rate', 'BENCH_LATENCY_RATE', 500),
    latencyRecords: int('latency-records', 'BENCH_LATENCY_RECORDS', 7500),
    kafkaHeapMb: int('kafka-heap-mb', 'BENCH_KAFKA_HEAP_MB', 512),
    brokerArgs: brokerArgs.split(' ').filter((a) => a !== ''),
    brokerEntry: values['broker-entry'] ?? process.env.BENCH_BROKER_ENTRY,
    json: values.json,
  };
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function measure<T>(label: string, run: () => Promise<T>): Promise<Outcome<T>> {
  log(`${label} ...`);
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const error = message.split('\n')[0];
    // The first line names the command; the last ones say why it failed (stderr tail).
    log(`${label} FAILED: ${error}\n${message.split('\n').slice(1).slice(-6).join('\n')}`);
    return { ok: false, error };
  }
}

/** utime + stime of a live process in seconds (Linux clock ticks are 100 Hz). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function start(target: TargetName, s: Settings): Promise<RunningTarget> {
  if (target === 'tributary') {
    // The same group setting the reference Kafka runs with (startReferenceKafka): no initial
    // rebalance delay, so consume time is not dominated by a 3 s wait on either side.
    const matched = ['--set', 'group.initial.rebalance.delay.ms=0'];
    const broker = await startBroker({ args: [...matched, ...s.brokerArgs], entry: s.brokerEntry });
    return {
      bootstrap: broker.bootstrap,
      pid: broker.pid,
      peakRssBytes: () => broker.peakRssBytes(),
      stop: () => broker.dispose(),
    };
  }
  return startReferenceKafka({
    fsyncEveryMessage: target === 'kafka-fsync',
    heapMb: s.kafkaHeapMb,
    logLevel: 'WARN',
  });
}

async function benchTarget(target: TargetName, s: Settings): Promise<TargetResult> {
  const result: TargetResult = { target };
  if (target === 'tributary' && !brokerBuilt(s.brokerEntry)) {
    result.skipped = `${s.brokerEntry ?? 'apps/broker/dist/main.js'} is missing (npm run build): benchmarking Kafka only`;
    log(`tributary: ${result.skipped}`);
    return result;
  }
  const began = Date.now();
  log(`${target}: starting`);
  let t: RunningTarget;
  try {
    t = await start(target, s);
  } catch (e) {
    result.startError = e instanceof Error ? e.message : String(e);
    log(`${target}: failed to start: ${result.startError}`);
    return result;
  }
  try {
    const topics = [
      'bench-warmup',
      'bench-acks1',
      'bench-acksall',
      'bench-lat-acks1',
      'bench-lat-acksall',
    ];
    const created = await measure(`${target}: create ${topics.length} topics`, () =>
      javaAdmin(t.bootstrap).createTopics(topics, { partitions: s.partitions }),
    );
    if (!created.ok) log(`${target}: topics were not created; relying on auto-creation`);

    // Each run leaves its first part out of the numbers (the producer JVM's own cold start).
    const produce = (
      topic: string,
      acks: '1' | 'all',
      numRecords: number,
      warmupRecords: number,
      throughput = -1,
    ) =>
      runProducerPerf({
        warmupRecords,
        bootstrap: t.bootstrap,
        topic,
        numRecords,
        recordSize: s.recordSize,
        acks,
        throughput,
      });
    // fsync per append makes Kafka several times slower here: fewer records keep it bounded.
    const records = target === 'kafka-fsync' ? s.fsyncRecords : s.records;
    const brokerWarmup = Math.min(
      s.warmupRecords,
      target === 'kafka-fsync' ? Math.floor(records / 5) : Infinity,
    );
    if (brokerWarmup > 0) {
      await measure(`${target}: warm-up ${brokerWarmup} records`, () =>
        produce('bench-warmup', '1', brokerWarmup, 0),
      );
    }
    const runWarmup = Math.floor(records / 10);
    result.produceAcks1 = await measure(`${target}: produce acks=1 ${records} records`, () =>
      produce('bench-acks1', '1', records, runWarmup),
    );
    result.produceAcksAll = await measure(`${target}: produce acks=all ${records} records`, () =>
      produce('bench-acksall', 'all', records, runWarmup),
    );
    if (target !== 'kafka-fsync' && result.produceAcks1.ok) {
      result.consume = await measure(`${target}: consume ${records} records`, () =>
        runConsumerPerf({
          bootstrap: t.bootstrap,
          topic: 'bench-acks1',
          numRecords: records,
          idleTimeoutMs: 30_000,
        }),
      );
    }
    if (s.latencyRate > 0) {
      const latencyWarmup = Math.min(Math.floor(s.latencyRecords / 3), s.latencyRate * 5);
      const at = `${s.latencyRecords} records at ${s.latencyRate}/s`;
      result.latencyAcks1 = await measure(`${target}: latency acks=1 ${at}`, () =>
        produce('bench-lat-acks1', '1', s.latencyRecords, latencyWarmup, s.latencyRate),
      );
      result.latencyAcksAll = await measure(`${target}: latency acks=all ${at}`, () =>
        produce('bench-lat-acksall', 'all', s.latencyRecords, latencyWarmup, s.latencyRate),
      );
    }
    result.cpuSeconds = cpuSeconds(t.pid);
    result.peakRssBytes = t.peakRssBytes();
  } finally {
    await t.stop();
  }
  result.elapsedMs = Date.now() - began;
  log(`${target}: done in ${(result.elapsedMs / 1000).toFixed(0)} s`);
  return result;
}

type Pick = (r: TargetResult) => number | undefined;
const val =
  <T>(get: (r: TargetResult) => Outcome<T> | undefined, field: (v: T) => number): Pick =>
  (r) => {
    const o = get(r);
    return o?.ok ? field(o.value) : undefined;
  };

function report(results: Map<TargetName, TargetResult>, s: Settings, kafkaVersion: string): string {
  const ours = results.get('tributary');
  const kd = results.get('kafka-default');
  const kf = results.get('kafka-fsync');
  const rows: string[][] = [];
  const row = (label: string, pick: Pick, decimals = 1): void => {
    const o = ours ? pick(ours) : undefined;
    const d = kd ? pick(kd) : undefined;
    const f = kf ? pick(kf) : undefined;
    rows.push([
      label,
      fmt(o, decimals),
      fmt(d, decimals),
      ratio(o, d),
      fmt(f, decimals),
      ratio(o, f),
    ]);
  };
  for (const [name, get] of [
    ['acks=1  ', (r: TargetResult) => r.produceAcks1],
    ['acks=all', (r: TargetResult) => r.produceAcksAll],
  ] as const) {
    row(
      `produce ${name} MB/s`,
      val(get, (v) => v.mbPerSec),
    );
    row(
      `produce ${name} records/s`,
      val(get, (v) => v.recordsPerSec),
      0,
    );
    row(
      `produce ${name} p50 ms (saturated)`,
      val(get, (v) => v.p50Ms),
      0,
    );
    row(
      `produce ${name} p99 ms (saturated)`,
      val(get, (v) => v.p99Ms),
      0,
    );
  }
  if (s.latencyRate > 0) {
    for (const [name, get] of [
      ['acks=1  ', (r: TargetResult) => r.latencyAcks1],
      ['acks=all', (r: TargetResult) => r.latencyAcksAll],
    ] as const) {
      row(
        `latency ${name} p50 ms @${s.latencyRate}/s`,
        val(get, (v) => v.p50Ms),
        0,
      );
      row(
        `latency ${name} p99 ms @${s.latencyRate}/s`,
        val(get, (v) => v.p99Ms),
        0,
      );
    }
  }
  row(
    'consume MB/s',
    val(
      (r) => r.consume,
      (v) => v.mbPerSec,
    ),
  );
  row(
    'consume records/s',
    val(
      (r) => r.consume,
      (v) => v.recordsPerSec,
    ),
    0,
  );
  row(
    'broker peak RSS MiB',
    (r) => (r.peakRssBytes === undefined ? undefined : r.peakRssBytes / 2 ** 20),
    0,
  );
  row('broker CPU seconds', (r) => r.cpuSeconds);

  const header = ['metric', 'Tributary', 'Kafka default', 'T/K', 'Kafka flush=1', 'T/K'];
  const notes: string[] = [];
  for (const r of results.values()) {
    if (r.skipped) notes.push(`${r.target}: skipped: ${r.skipped}`);
    if (r.startError) notes.push(`${r.target}: did not start: ${r.startError.split('\n')[0]}`);
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'object' && v !== null && 'ok' in v && !v.ok)
        notes.push(`${r.target}: ${k} failed: ${v.error}`);
    }
  }
  return [
    `Broker benchmark: ${s.records} x ${s.recordSize} B records per throughput run ` +
      `(${s.fsyncRecords} on Kafka flush=1), ${s.partitions} partition(s), ` +
      `load from Kafka ${kafkaVersion} ProducerPerformance/ConsumerPerformance, ${availableParallelism()} cores`,
    'Kafka flush=1: log.flush.interval.messages=1 (fsync every append). Tributary: acks=all answered after fsync (group commit).',
    'MB = MiB as the Kafka tools print it; T/K = Tributary / Kafka (throughput: higher is better; latency, RSS, CPU: lower is better).',
    '',
    formatTable(header, rows),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const s = settings();
  const began = Date.now();
  const tools = await ensureJavaTools();
  const loadBefore = loadavg()[0];
  log(
    `Kafka ${tools.kafkaVersion}; targets ${s.targets.join(', ')}; load average ${loadBefore.toFixed(1)}`,
  );
  if (loadBefore > availableParallelism() / 2) {
    log('WARNING: the machine is already busy; numbers will be noisy (see the load line below)');
  }
  const results = new Map<TargetName, TargetResult>();
  for (const target of s.targets) results.set(target, await benchTarget(target, s));
  console.log(report(results, s, tools.kafkaVersion));
  const [one, five] = loadavg();
  console.log(
    `\ntotal ${((Date.now() - began) / 1000).toFixed(0)} s; load average at start ${loadBefore.toFixed(1)}, ` +
      `at end ${one.toFixed(1)} (1 min) / ${five.toFixed(1)} (5 min) on ${availableParallelism()} cores ` +
      '(the benchmark itself keeps about 2 busy; more means other work shared the machine)',
  );
  if (s.json) {
    writeFileSync(
      s.json,
      `${JSON.stringify({ settings: s, kafkaVersion: tools.kafkaVersion, results: [...results.values()] }, null, 2)}\n`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
