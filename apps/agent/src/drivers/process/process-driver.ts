/**
 * The `process` driver: every broker of a pool is a detached local process (files in
 * pool-files.ts, process handling in broker-process.ts). Brokers outlive the agent; a new
 * agent adopts them from their pid files (checked against /proc) and keeps supervising.
 *
 * Supervision polls every `superviseIntervalMs`: a STARTING broker becomes RUNNING once its
 * admin endpoint answers /v1/health; a broker whose process is gone is CRASHED and started
 * again after an exponential back-off (reset once it has run for `stableAfterMs`); after a
 * change of memory or broker config, brokers restart one at a time, each only while all the
 * others are RUNNING.
 *
 * Tiered storage: with the region's S3 configured, every broker starts with
 * remote.log.storage.system.enable=true and the rsm.config.* properties of its cluster
 * (`--set`, visible), and the S3 key pair in `<pool>/s3-credentials.properties` (0600,
 * `--config`), never on the command line or in its environment. A spec's brokerConfig may not
 * set rsm.* / remote.log.storage.* (tiered/broker-properties.ts).
 *
 * Concurrency: ensurePool, removePool and each supervision pass run one at a time (`serial`);
 * ensurePool waits for its freshly started brokers outside that queue, so the supervisor can
 * promote them meanwhile.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { PoolSpec } from '@tributary/contracts';
import type { Logger } from '../../log.js';
import { checkBrokerConfig, tieredBrokerProperties } from '../../tiered/broker-properties.js';
import type { S3Settings } from '../../tiered/s3-settings.js';
import type { BrokerState, DriverPoolStatus, PoolDriver } from '../pool-driver.js';
import { isBroker, lastLogLine, launchBroker, stopBroker } from './broker-process.js';
import { findBrokerPid } from './find-broker.js';
import { PoolFiles, type BrokerPorts, type PoolRecord } from './pool-files.js';
import { allocatePorts, type PortRange } from './ports.js';

export interface ProcessDriverOptions {
  dataRoot: string;
  /** The broker's entry script (apps/broker/dist/main.js). */
  brokerEntry: string;
  portRange: PortRange;
  log: Logger;
  /** The region's S3 for tiered storage; null/absent = off. */
  s3?: S3Settings | null;
  superviseIntervalMs?: number;
  /** SIGTERM → SIGKILL grace when stopping a broker. */
  stopGraceMs?: number;
  restartInitialMs?: number;
  restartMaxMs?: number;
  /** A broker up this long has its back-off reset. */
  stableAfterMs?: number;
  /** How long ensurePool waits for brokers it started to answer. */
  startWaitMs?: number;
}

interface BrokerRuntime {
  brokerId: number;
  ports: BrokerPorts;
  pid: number | null;
  state: BrokerState;
  restarts: number;
  lastError: string | null;
  /** Whether this broker has been started (or adopted) by this agent before. */
  launchedBefore: boolean;
  startedAt: number;
  failures: number;
  nextStartAt: number;
  exitReason: string | null;
  restartPending: boolean;
}

interface PoolRuntime {
  files: PoolFiles;
  record: PoolRecord;
  token: string;
  brokers: Map<number, BrokerRuntime>;
}

function configHash(
  entry: string,
  memoryMiB: number,
  brokerConfig: Record<string, string>,
  s3: S3Settings | null,
): string {
  const sorted = Object.entries(brokerConfig).sort(([a], [b]) => (a < b ? -1 : 1));
  // The S3 settings (credentials included, only inside the hash): a change restarts brokers.
  const parts: unknown[] = [entry, memoryMiB, sorted];
  // Named fields, not the object: the AWS SDK marks credential objects it is given.
  if (s3)
    parts.push([
      s3.endpoint,
      s3.region,
      s3.bucket,
      s3.prefix,
      s3.pathStyle,
      s3.credentials?.accessKeyId ?? null,
      s3.credentials?.secretAccessKey ?? null,
    ]);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export class ProcessDriver implements PoolDriver {
  readonly name = 'process' as const;
  private readonly pools = new Map<string, PoolRuntime>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly o: Required<ProcessDriverOptions>;
  private readonly s3: S3Settings | null;

  private constructor(options: ProcessDriverOptions) {
    this.o = {
      superviseIntervalMs: 500,
      stopGraceMs: 10_000,
      restartInitialMs: 500,
      restartMaxMs: 30_000,
      stableAfterMs: 30_000,
      startWaitMs: 15_000,
      s3: null,
      ...options,
    };
    this.s3 = this.o.s3 ?? null;
  }

  /** Adopts every pool found under the data root and starts supervising. */
  static async start(options: ProcessDriverOptions): Promise<ProcessDriver> {
    const driver = new ProcessDriver(options);
    for (const id of await PoolFiles.list(options.dataRoot)) {
      const pool = await driver.load(id);
      if (pool) driver.pools.set(id, pool);
    }
    await driver.serial(() => driver.supervise());
    driver.timer = setInterval(
      () => void driver.serial(() => driver.supervise()),
      driver.o.superviseIntervalMs,
    );
    return driver;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A pool from its directory; brokers still running are adopted, not started again. */
  private async load(clusterId: string): Promise<PoolRuntime | null> {
    const files = new PoolFiles(this.o.dataRoot, clusterId);
    const record = await files.readRecord();
    if (!record) return null;
    const pool: PoolRuntime = {
      files,
      record,
      token: await files.adminToken(),
      brokers: new Map(),
    };
    for (const ports of record.brokers) {
      const b = this.runtime(ports);
      const dataDir = files.brokerDir(ports.brokerId);
      let pid = await files.readPid(ports.brokerId);
      if (pid !== null && !(await isBroker(pid, dataDir))) pid = null;
      pid ??= await findBrokerPid(dataDir);
      if (pid !== null) {
        await files.writePid(ports.brokerId, pid);
        Object.assign(b, { pid, state: 'STARTING', launchedBefore: true, startedAt: Date.now() });
        this.o.log.info(`pool ${clusterId}: adopted broker ${ports.brokerId} (pid ${pid})`);
      } else {
        // It should run (its pool exists) but does not: start it on the next pass.
        Object.assign(b, {
          state: 'CRASHED',
          launchedBefore: true,
          lastError: 'not running when the agent started',
        });
      }
      pool.brokers.set(ports.brokerId, b);
    }
    return pool;
  }

  private runtime(ports: BrokerPorts): BrokerRuntime {
    return {
      brokerId: ports.brokerId,
      ports,
      pid: null,
      state: 'STOPPED',
      restarts: 0,
      lastError: null,
      launchedBefore: false,
      startedAt: 0,
      failures: 0,
      nextStartAt: 0,
      exitReason: null,
      restartPending: false,
    };
  }

  async ensurePool(spec: PoolSpec): Promise<void> {
    if (this.closed) throw new Error('the process driver is closed');
    const started = await this.serial(() => this.ensureLocked(spec));
    const deadline = Date.now() + this.o.startWaitMs;
    while (started.some((b) => b.state === 'STARTING' && b.pid !== null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async ensureLocked(spec: PoolSpec): Promise<BrokerRuntime[]> {
    const id = spec.clusterId;
    checkBrokerConfig(spec.brokerConfig);
    const files = new PoolFiles(this.o.dataRoot, id);
    const hash = configHash(
      this.o.brokerEntry,
      spec.resources.memoryMiB,
      spec.brokerConfig,
      this.s3,
    );
    let pool = this.pools.get(id) ?? (await this.load(id));
    if (!pool) {
      pool = {
        files,
        token: await files.adminToken(),
        record: {
          version: 1,
          clusterId: id,
          brokers: [],
          memoryMiB: spec.resources.memoryMiB,
          brokerConfig: spec.brokerConfig,
          configHash: hash,
        },
        brokers: new Map(),
      };
      this.o.log.info(`pool ${id}: created (${spec.brokers} broker(s))`);
    }
    this.pools.set(id, pool);
    const record = pool.record;

    // Broker count: new members get ports once; removed ones are stopped and deleted.
    const missing = spec.brokers - record.brokers.length;
    if (missing > 0) {
      const ports = await allocatePorts(missing * 2, this.o.portRange, await this.takenPorts());
      for (let i = 0; i < missing; i++) {
        const brokerId = record.brokers.length;
        const p = { brokerId, clientPort: ports[2 * i], adminPort: ports[2 * i + 1] };
        record.brokers.push(p);
        pool.brokers.set(brokerId, this.runtime(p));
      }
    }
    for (const extra of record.brokers.slice(spec.brokers)) {
      await this.stopOne(pool, extra.brokerId);
      await rm(files.brokerDir(extra.brokerId), { recursive: true, force: true });
      await rm(files.pidFile(extra.brokerId), { force: true });
      pool.brokers.delete(extra.brokerId);
    }
    record.brokers = record.brokers.slice(0, spec.brokers);

    if (record.configHash !== hash) {
      Object.assign(record, {
        memoryMiB: spec.resources.memoryMiB,
        brokerConfig: spec.brokerConfig,
        configHash: hash,
      });
      for (const b of pool.brokers.values()) if (b.pid !== null) b.restartPending = true;
      this.o.log.info(`pool ${id}: broker config changed, rolling restart`);
    }
    await files.writeRecord(record);

    const started: BrokerRuntime[] = [];
    for (const b of pool.brokers.values()) {
      if (b.pid === null && b.state !== 'CRASHED') {
        await this.launch(pool, b);
        started.push(b);
      }
    }
    return started;
  }

  private async takenPorts(): Promise<Set<number>> {
    const taken = new Set<number>();
    const add = (r: PoolRecord | null) =>
      r?.brokers.forEach((b) => taken.add(b.clientPort).add(b.adminPort));
    for (const id of await PoolFiles.list(this.o.dataRoot))
      add(this.pools.get(id)?.record ?? (await new PoolFiles(this.o.dataRoot, id).readRecord()));
    for (const p of this.pools.values()) add(p.record);
    return taken;
  }

  private async launch(pool: PoolRuntime, b: BrokerRuntime): Promise<void> {
    const { files, record } = pool;
    const dataDir = files.brokerDir(b.brokerId);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    try {
      const tiered = this.s3 ? tieredBrokerProperties(this.s3, record.clusterId) : null;
      const configFile = await files.writeSecretProperties(tiered?.secrets ?? {});
      const launched = await launchBroker({
        brokerId: b.brokerId,
        entry: this.o.brokerEntry,
        dataDir,
        clientPort: b.ports.clientPort,
        adminPort: b.ports.adminPort,
        tokenFile: files.tokenFile,
        logFile: files.logFile(b.brokerId),
        memoryMiB: record.memoryMiB,
        // The agent's tiered properties last: they win over anything in an old pool.json.
        brokerConfig: { ...record.brokerConfig, ...tiered?.properties },
        configFile,
      });
      await files.writePid(b.brokerId, launched.pid);
      if (b.launchedBefore) b.restarts++;
      Object.assign(b, {
        pid: launched.pid,
        state: 'STARTING',
        launchedBefore: true,
        startedAt: Date.now(),
        exitReason: null,
      });
      void launched.exited.then((reason) => {
        if (b.pid === launched.pid) b.exitReason = reason;
      });
      this.o.log.info(
        `pool ${record.clusterId}: started broker ${b.brokerId} (pid ${launched.pid}, port ${b.ports.clientPort})`,
      );
    } catch (err) {
      this.crashed(b, `could not start: ${(err as Error).message}`);
    }
  }

  private crashed(b: BrokerRuntime, why: string): void {
    const ranLong = b.startedAt > 0 && Date.now() - b.startedAt >= this.o.stableAfterMs;
    b.failures = ranLong ? 1 : b.failures + 1;
    const delay = Math.min(this.o.restartInitialMs * 2 ** (b.failures - 1), this.o.restartMaxMs);
    Object.assign(b, {
      pid: null,
      state: 'CRASHED',
      lastError: why,
      nextStartAt: Date.now() + delay,
      restartPending: false,
    });
  }

  /** One supervision pass over every pool. */
  private async supervise(): Promise<void> {
    if (this.closed) return;
    for (const pool of this.pools.values()) {
      for (const b of pool.brokers.values()) {
        const dataDir = pool.files.brokerDir(b.brokerId);
        if (b.pid !== null && !(await isBroker(b.pid, dataDir))) {
          const line = await lastLogLine(pool.files.logFile(b.brokerId));
          const why = `${b.exitReason ?? `process ${b.pid} is gone`}${line ? `; last log line: ${line}` : ''}`;
          this.o.log.warn(`pool ${pool.record.clusterId}: broker ${b.brokerId} ${why}`);
          this.crashed(b, why);
        }
        if (b.pid === null && b.state === 'CRASHED' && Date.now() >= b.nextStartAt)
          await this.launch(pool, b);
        if (b.state === 'STARTING' && b.pid !== null && (await this.healthy(pool, b))) {
          b.state = 'RUNNING';
          this.o.log.info(`pool ${pool.record.clusterId}: broker ${b.brokerId} is running`);
        }
        if (b.state === 'RUNNING' && Date.now() - b.startedAt >= this.o.stableAfterMs)
          b.failures = 0;
      }
      await this.rollOne(pool);
    }
  }

  /** After a config change: restart one broker, and only while every broker is RUNNING. */
  private async rollOne(pool: PoolRuntime): Promise<void> {
    const all = [...pool.brokers.values()];
    const next = all.find((b) => b.restartPending);
    if (!next || all.some((b) => b.state !== 'RUNNING')) return;
    next.restartPending = false;
    await this.stopOne(pool, next.brokerId);
    next.launchedBefore = false; // a planned restart, not a crash
    await this.launch(pool, next);
  }

  private async healthy(pool: PoolRuntime, b: BrokerRuntime): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${b.ports.adminPort}/v1/health`, {
        headers: { authorization: `Bearer ${pool.token}` },
        signal: AbortSignal.timeout(1000),
      });
      return res.ok;
    } catch {
      return false;
    }
  }

  private async stopOne(pool: PoolRuntime, brokerId: number): Promise<void> {
    const b = pool.brokers.get(brokerId);
    const dataDir = pool.files.brokerDir(brokerId);
    const pid = b?.pid ?? (await pool.files.readPid(brokerId)) ?? (await findBrokerPid(dataDir));
    if (b) Object.assign(b, { pid: null, state: 'STOPPED' });
    if (pid !== null) await stopBroker(pid, dataDir, this.o.stopGraceMs);
  }

  async removePool(clusterId: string): Promise<void> {
    await this.serial(async () => {
      const files = new PoolFiles(this.o.dataRoot, clusterId);
      const pool = this.pools.get(clusterId) ?? (await this.load(clusterId));
      if (pool) {
        await Promise.all(pool.record.brokers.map((b) => this.stopOne(pool, b.brokerId)));
      }
      this.pools.delete(clusterId);
      await rm(files.dir, { recursive: true, force: true });
      if (pool) this.o.log.info(`pool ${clusterId}: brokers stopped, data removed`);
    });
  }

  async listPools(): Promise<DriverPoolStatus[]> {
    return [...this.pools.values()].map((pool) => ({
      clusterId: pool.record.clusterId,
      adminToken: pool.token,
      brokers: [...pool.brokers.values()].map((b) => ({
        brokerId: b.brokerId,
        state: b.state,
        restarts: b.restarts,
        endpoint: `127.0.0.1:${b.ports.clientPort}`,
        adminUrl: `http://127.0.0.1:${b.ports.adminPort}`,
        lastError: b.lastError,
      })),
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.queue;
  }
}
