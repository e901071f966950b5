/**
 * Kafka's own load generators (kafka-tools: ProducerPerformance, ConsumerPerformance), run on
 * the harness class path and parsed, so any broker can be measured with the same client.
 * "MB" is what the tools print: 1024 * 1024 bytes.
 */
import type { JavaRunOptions } from './java.js';
import { SERVER_JVM_ARGS, runJavaMain } from './java.js';

export interface ProducerPerfOptions {
  bootstrap: string;
  topic: string;
  numRecords: number;
  /** Bytes per record (default 1024). */
  recordSize?: number;
  /** Records/s target; -1 (default) means as fast as possible. */
  throughput?: number;
  acks?: '0' | '1' | 'all';
  /**
   * The first N records are left out of the result (--warmup-records): the tool then reports
   * "steady state" numbers, without the producer JVM's own cold start.
   */
  warmupRecords?: number;
  /** Producer configs (--command-property), e.g. linger.ms, batch.size, compression.type. */
  properties?: Record<string, string>;
  timeoutMs?: number;
  jvmArgs?: readonly string[];
}

export interface ProducerPerfResult {
  /** True when the numbers exclude the warm-up records. */
  steadyState: boolean;
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export async function runProducerPerf(options: ProducerPerfOptions): Promise<ProducerPerfResult> {
  const props = { acks: options.acks ?? 'all', ...options.properties };
  const args = [
    '--bootstrap-server',
    options.bootstrap,
    '--topic',
    options.topic,
    '--num-records',
    String(options.numRecords),
    '--record-size',
    String(options.recordSize ?? 1024),
    '--throughput',
    String(options.throughput ?? -1),
    ...(options.warmupRecords ? ['--warmup-records', String(options.warmupRecords)] : []),
    '--command-property',
    ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
  ];
  const result = await runJavaMain(
    'org.apache.kafka.tools.ProducerPerformance',
    args,
    perfRun(options),
  );
  return parseProducerPerfOutput(result.stdout.toString('utf8'));
}

const PRODUCER_FINAL_LINE = new RegExp(
  [
    String.raw`^(\d+) (steady state )?records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\)`,
    String.raw`, ([\d.]+) ms avg latency, ([\d.]+) ms max latency`,
    String.raw`, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$`,
  ].join(''),
);

/** Parses ProducerPerformance's last summary (with percentiles): steady state if present. */
export function parseProducerPerfOutput(stdout: string): ProducerPerfResult {
  const lines = stdout.split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = PRODUCER_FINAL_LINE.exec(lines[i]);
    if (m) {
      const n = m.slice(3).map(Number);
      return {
        steadyState: m[2] !== undefined,
        records: Number(m[1]),
        recordsPerSec: n[0],
        mbPerSec: n[1],
        avgLatencyMs: n[2],
        maxLatencyMs: n[3],
        p50Ms: n[4],
        p95Ms: n[5],
        p99Ms: n[6],
        p999Ms: n[7],
      };
    }
  }
  throw new Error(`no ProducerPerformance summary in output:\n${stdout.slice(-2000)}`);
}

export interface ConsumerPerfOptions {
  bootstrap: string;
  topic: string;
  numRecords: number;
  group?: string;
  /** Longest gap between returned records before giving up (the tool's --timeout; default 10 s). */
  idleTimeoutMs?: number;
  /** Consumer configs (--command-property). */
  properties?: Record<string, string>;
  timeoutMs?: number;
  jvmArgs?: readonly string[];
}

export interface ConsumerPerfResult {
  dataMb: number;
  mbPerSec: number;
  records: number;
  recordsPerSec: number;
  rebalanceMs: number;
  fetchMs: number;
  fetchMbPerSec: number;
  fetchRecordsPerSec: number;
}

export async function runConsumerPerf(options: ConsumerPerfOptions): Promise<ConsumerPerfResult> {
  const args = [
    '--bootstrap-server',
    options.bootstrap,
    '--topic',
    options.topic,
    '--num-records',
    String(options.numRecords),
    '--timeout',
    String(options.idleTimeoutMs ?? 10_000),
    '--group',
    options.group ?? `perf-consumer-${process.pid}-${Date.now()}`,
  ];
  for (const [k, v] of Object.entries(options.properties ?? {})) {
    args.push('--command-property', `${k}=${v}`);
  }
  const result = await runJavaMain(
    'org.apache.kafka.tools.ConsumerPerformance',
    args,
    perfRun(options),
  );
  return parseConsumerPerfOutput(result.stdout.toString('utf8'));
}

/** Parses ConsumerPerformance's CSV header + data line. */
export function parseConsumerPerfOutput(stdout: string): ConsumerPerfResult {
  const lines = stdout.split('\n').map((l) => l.trim());
  const h = lines.findIndex((l) => l.startsWith('start.time,'));
  if (h < 0 || h + 1 >= lines.length) {
    throw new Error(`no ConsumerPerformance result in output:\n${stdout.slice(-2000)}`);
  }
  const header = lines[h].split(',').map((s) => s.trim());
  const values = lines[h + 1].split(',').map((s) => s.trim());
  const get = (name: string): number => {
    const i = header.indexOf(name);
    const v = Number(values[i]);
    if (i < 0 || !Number.isFinite(v)) throw new Error(`ConsumerPerformance: no number for ${name}`);
    return v;
  };
  return {
    dataMb: get('data.consumed.in.MB'),
    mbPerSec: get('MB.sec'),
    records: get('data.consumed.in.nMsg'),
    recordsPerSec: get('nMsg.sec'),
    rebalanceMs: get('rebalance.time.ms'),
    fetchMs: get('fetch.time.ms'),
    fetchMbPerSec: get('fetch.MB.sec'),
    fetchRecordsPerSec: get('fetch.nMsg.sec'),
  };
}

function perfRun(options: { timeoutMs?: number; jvmArgs?: readonly string[] }): JavaRunOptions {
  return {
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    jvmArgs: options.jvmArgs ?? SERVER_JVM_ARGS,
  };
}
