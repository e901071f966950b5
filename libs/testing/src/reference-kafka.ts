/**
 * A real Apache Kafka broker (KRaft, one node acting as broker and controller) on loopback,
 * from the jars in tools/java/lib: the reference our broker is compared with, and the server
 * the harness's own tests run against.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLIENT_JVM_ARGS, ensureJavaTools, javaCommand, runJavaMain } from './java.js';
import { waitForKafkaApi } from './kafka-probe.js';
import { PeakRssTracker } from './peak-rss.js';
import { freePort } from './ports.js';
import { hasExited, killWithParent, stopProcess } from './process-lifecycle.js';
import { createTempDir } from './temp-dir.js';

export interface ReferenceKafkaOptions {
  /** Kept as is when given (an already formatted one is reused); else a temp dir, removed by stop(). */
  dataDir?: string;
  /** Client port (default: a free one). The controller listener always gets a free port. */
  port?: number;
  /** Broker properties added to / overriding the defaults below. */
  extraProps?: Record<string, string | number | boolean>;
  /** log.flush.interval.messages=1: fsync after every append ("fsync per write" durability). */
  fsyncEveryMessage?: boolean;
  /** JVM heap, -Xms = -Xmx (default 512 MiB). */
  heapMb?: number;
  /** Log level of the broker's log file (default INFO). */
  logLevel?: 'WARN' | 'INFO' | 'DEBUG';
  startTimeoutMs?: number;
}

export interface ReferenceKafka {
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly pid: number;
  readonly dataDir: string;
  readonly clusterId: string;
  readonly kafkaVersion: string;
  /** Broker stdout + stderr. */
  readonly logFile: string;
  /** Controlled shutdown (SIGTERM; SIGKILL after 30 s); removes the data dir if it made it. */
  stop(): Promise<void>;
  /** SIGKILL, no shutdown: for crash tests. Keeps the data dir. */
  kill(): Promise<void>;
  /** Peak resident set size (VmHWM) of the broker JVM, still known after it stopped. */
  peakRssBytes(): number;
  /** Last lines of the broker log. */
  logTail(lines?: number): Promise<string>;
}

const HOST = '127.0.0.1';

/** Broker settings for a single-node test cluster (replication factor 1 everywhere). */
function baseProps(port: number, controllerPort: number, logDir: string): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@${HOST}:${controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    // One partition instead of 50: the first group join waits for all of them to load.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
  };
}

export async function startReferenceKafka(
  options: ReferenceKafkaOptions = {},
): Promise<ReferenceKafka> {
  const tools = await ensureJavaTools();
  if (options.dataDir !== undefined) {
    return launch(options, options.dataDir, tools.kafkaVersion, undefined);
  }
  const temp = await createTempDir('tributary-kafka-');
  try {
    return await launch(options, temp.path, tools.kafkaVersion, temp.remove);
  } catch (e) {
    await temp.remove();
    throw e;
  }
}

async function launch(
  options: ReferenceKafkaOptions,
  dataDir: string,
  kafkaVersion: string,
  removeDataDir: (() => Promise<void>) | undefined,
): Promise<ReferenceKafka> {
  const port = options.port ?? (await freePort(HOST));
  const controllerPort = await freePort(HOST);
  const logDir = join(dataDir, 'kafka-logs');
  const propsFile = join(dataDir, 'server.properties');
  const logFile = join(dataDir, 'kafka.out');
  await mkdir(logDir, { recursive: true });

  const props: Record<string, string> = baseProps(port, controllerPort, logDir);
  if (options.fsyncEveryMessage) props['log.flush.interval.messages'] = '1';
  for (const [k, v] of Object.entries(options.extraProps ?? {})) props[k] = String(v);
  await writeFile(
    propsFile,
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );

  const clusterId = existingClusterId(logDir) ?? (await format(propsFile));

  const heap = options.heapMb ?? 512;
  const { command, args } = await javaCommand('kafka.Kafka', [propsFile], {
    jvmArgs: [
      `-Xms${heap}m`,
      `-Xmx${heap}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
    ],
    logLevel: options.logLevel ?? 'INFO',
  });
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd: dataDir, stdio: ['ignore', out, out] });
  closeSync(out);
  const unregister = killWithParent(child);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid!;
  const rss = new PeakRssTracker(pid);
  const logTail = async (lines = 40): Promise<string> => {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  };

  let stopped = false;
  const shutdown = async (signal: NodeJS.Signals, removeData: boolean): Promise<void> => {
    if (!stopped) {
      stopped = true;
      rss.stop();
      await stopProcess(child, { signal, graceMs: 30_000 });
      unregister();
    }
    if (removeData) await removeDataDir?.();
  };

  try {
    await waitForKafkaApi(HOST, port, {
      timeoutMs: options.startTimeoutMs ?? 90_000,
      failureReason: () =>
        hasExited(child) ? `Kafka exited during start-up (code ${child.exitCode})` : undefined,
    });
  } catch (e) {
    await shutdown('SIGKILL', false);
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(
      `reference Kafka did not start: ${message}\n--- ${logFile} ---\n${await logTail()}`,
      {
        cause: e,
      },
    );
  }

  return {
    bootstrap: `${HOST}:${port}`,
    host: HOST,
    port,
    controllerPort,
    pid,
    dataDir,
    clusterId,
    kafkaVersion,
    logFile,
    stop: () => shutdown('SIGTERM', true),
    kill: () => shutdown('SIGKILL', false),
    peakRssBytes: () => rss.sample(),
    logTail,
  };
}

/** The cluster id of an already formatted log dir, so a data dir can be started again. */
function existingClusterId(logDir: string): string | undefined {
  const meta = join(logDir, 'meta.properties');
  if (!existsSync(meta)) return undefined;
  return /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim();
}

/** kafka-storage format with a fresh cluster id (static quorum: no --standalone). */
async function format(propsFile: string): Promise<string> {
  const clusterId = newClusterId();
  await runJavaMain('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', propsFile], {
    jvmArgs: CLIENT_JVM_ARGS,
    timeoutMs: 60_000,
  });
  return clusterId;
}

/** A Kafka Uuid in its string form: 16 random bytes, base64url without padding. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
