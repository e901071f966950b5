/**
 * The whole platform for a test file, from the built bundles (npm run build): throw-away
 * PostgreSQL and Redis, the control-plane API on a free port (it applies the migrations),
 * the worker, and the agent with its own data root and port range, all sharing one agent
 * token. Helpers sign up, log in and call the REST API; `kill`/`stop`/`start`/`restart` act
 * on the API, worker and agent. `dispose()` stops everything, brokers included (the agent
 * leaves them running when it stops), and removes the data. With `s3`, an S3 server
 * (s3rver) is started too and the agent tiers every pool to it (platform-s3.ts); it stops
 * after the brokers.
 *
 *   await using p = await startPlatform();
 *   const { client, orgId } = await p.signUp();
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { KcatSecurity } from './kcat.js';
import type { ExitStatus } from './process-lifecycle.js';
import { logIn, PlatformClient, signUp, waitUntil, type PlatformUser } from './platform-client.js';
import type { PlatformProcess } from './platform-process.js';
import {
  PlatformProcesses,
  type PlatformProcessName,
  type PlatformProcessesOptions,
} from './platform-processes.js';
import {
  brokerProcessesUnder,
  listPools,
  poolBrokers,
  stopPoolBrokers,
  type PoolBroker,
} from './platform-pools.js';
import { startPlatformS3, type PlatformS3, type PlatformS3Options } from './platform-s3.js';
import { freePort } from './ports.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startRedis, type RedisServer } from './redis.js';
import { createTempDir, type TempDir } from './temp-dir.js';

export interface StartPlatformOptions {
  /** Broker ports "MIN-MAX"; default a random block of 200 in 23000-28999. */
  agentPortRange?: string;
  apiEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  agentEnv?: Record<string, string>;
  /** Print every process line (also with TRIBUTARY_PLATFORM_VERBOSE=1). */
  verbose?: boolean;
  /**
   * Tiered storage: start an S3 server and hand it to the agent (true = bucket `tributary`,
   * no key prefix). Default off: the agent then runs without S3.
   */
  s3?: boolean | PlatformS3Options;
}

export interface TestPlatform {
  /** http://127.0.0.1:<port> of the REST API. */
  readonly url: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly agentToken: string;
  /** The agent's data root (pools under `pools/<clusterId>/`). */
  readonly dataRoot: string;
  /** The agent's S3 (server, bucket, key prefix), or null when started without `s3`. */
  readonly s3: PlatformS3 | null;
  readonly processes: PlatformProcesses;
  process(name: PlatformProcessName): PlatformProcess;
  /** SIGKILL. */
  kill(name: PlatformProcessName): Promise<void>;
  /** SIGTERM and wait (SIGKILL after 15 s); resolves with how it ended. */
  stop(name: PlatformProcessName): Promise<ExitStatus | null>;
  /** `env` adds to the process's environment for this start. */
  start(name: PlatformProcessName, env?: Record<string, string>): Promise<void>;
  restart(
    name: PlatformProcessName,
    how?: 'stop' | 'kill',
    env?: Record<string, string>,
  ): Promise<void>;
  /** An anonymous client. */
  client(): PlatformClient;
  signUp(o?: { email?: string; password?: string; name?: string }): Promise<PlatformUser>;
  logIn(email: string, password: string): Promise<PlatformClient>;
  /** Cluster ids with a pool directory. */
  pools(): Promise<string[]>;
  /** A pool's brokers (pid null when not running). */
  brokers(clusterId: string): Promise<PoolBroker[]>;
  /** Every live broker process of this platform (pid → data dir). */
  brokerProcesses(): Promise<Map<number, string>>;
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function randomPortRange(): string {
  const min = 23000 + 200 * Math.floor(Math.random() * 30);
  return `${min}-${min + 199}`;
}

export async function startPlatform(o: StartPlatformOptions = {}): Promise<TestPlatform> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    const errors: unknown[] = [];
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => errors.push(e));
    cleanups.length = 0;
    if (errors.length) throw new AggregateError(errors, 'platform cleanup failed');
  };
  try {
    const [pg, redis, tmp]: [PostgresServer, RedisServer, TempDir] = await Promise.all([
      startPostgres(),
      startRedis(),
      createTempDir('tributary-platform-'),
    ]);
    cleanups.push(
      () => pg.stop(),
      () => redis.stop(),
      () => tmp.remove(),
    );
    const databaseUrl = await pg.createDatabase('tributary');
    // Pushed before the processes: cleanups run in reverse, so S3 stops after the brokers.
    const s3 = o.s3 ? await startPlatformS3(o.s3 === true ? {} : o.s3) : null;
    if (s3) cleanups.push(() => s3.server.stop());
    const verbose = o.verbose ?? process.env.TRIBUTARY_PLATFORM_VERBOSE === '1';
    const options: PlatformProcessesOptions = {
      databaseUrl,
      redisUrl: redis.url,
      port: await freePort(),
      agentToken: randomBytes(24).toString('base64url'),
      agentDataRoot: join(tmp.path, 'agent'),
      agentPortRange: o.agentPortRange ?? randomPortRange(),
      apiEnv: { TRIBUTARY_AGENT_TOKEN_FILE: join(tmp.path, 'agent-token'), ...o.apiEnv },
      workerEnv: o.workerEnv,
      agentEnv: {
        TRIBUTARY_AGENT_RESYNC_MS: '1000',
        TRIBUTARY_AGENT_USAGE_INTERVAL_MS: '2000',
        ...s3?.agentEnv,
        ...o.agentEnv,
      },
      onLine: verbose ? (name, line) => console.log(`[${name}] ${line}`) : undefined,
    };
    const procs = new PlatformProcesses(options);
    cleanups.push(async () => {
      const errors = await procs.stopAll();
      // Whatever the stop order missed (a broker started while the agent was stopping).
      await stopPoolBrokers(options.agentDataRoot, 2_000);
      if (errors.length) throw new AggregateError(errors, 'stopping the platform failed');
    });
    await procs.startAll();

    const p: TestPlatform = {
      url: procs.url,
      databaseUrl,
      redisUrl: redis.url,
      agentToken: options.agentToken,
      dataRoot: options.agentDataRoot,
      s3,
      processes: procs,
      process: (name) => procs.process(name),
      kill: (name) => procs.process(name).kill(),
      stop: (name) => procs.process(name).stop(),
      start: (name, env) => procs.process(name).start(env),
      restart: (name, how = 'stop', env) => procs.process(name).restart(how, env),
      client: () => new PlatformClient(procs.url),
      signUp: (u) => signUp(procs.url, u),
      logIn: (email, password) => logIn(procs.url, email, password),
      pools: () => listPools(options.agentDataRoot),
      brokers: (clusterId) => poolBrokers(options.agentDataRoot, clusterId),
      brokerProcesses: () => brokerProcessesUnder(options.agentDataRoot),
      dispose: cleanup,
      [Symbol.asyncDispose]: cleanup,
    };
    return p;
  } catch (e) {
    await cleanup().catch(() => undefined);
    throw e;
  }
}

/** kcat settings for a cluster API key as POST /v1/api-keys returns it. */
export function saslPlain(key: { id: string; secret: string }): KcatSecurity {
  return {
    protocol: 'SASL_PLAINTEXT',
    saslMechanism: 'PLAIN',
    username: key.id,
    password: key.secret,
  };
}

/** Waits until every broker of the pool runs and returns their pids (by broker id). */
export async function runningBrokerPids(
  p: TestPlatform,
  clusterId: string,
  count: number,
  timeoutMs = 30_000,
): Promise<number[]> {
  return waitUntil(
    `${count} running broker(s) of ${clusterId}`,
    async () => {
      const b = await p.brokers(clusterId);
      return b.length === count && b.every((x) => x.pid !== null)
        ? b.map((x) => x.pid as number)
        : undefined;
    },
    timeoutMs,
  );
}
