/**
 * The platform's own processes, from the built bundles: the control-plane API
 * (apps/control-plane/dist/main.js), its worker (dist/worker.js) and the data-plane agent
 * (apps/agent/dist/main.js, process driver), wired to one PostgreSQL, one Redis and one agent
 * token. Used by the test harness (platform.ts) and by `npm start` (tools/local-platform).
 *
 * The API starts first (it applies migrations and seeds the agent row for the token), then
 * the worker and the agent. Stopping goes the other way: the agent (its brokers keep running
 * by design), then every broker of its pools, then worker and API.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformProcess } from './platform-process.js';
import { stopPoolBrokers } from './platform-pools.js';
import { repoRoot } from './repo-root.js';

export type PlatformProcessName = 'api' | 'worker' | 'agent';

export const PLATFORM_ENTRIES: Record<PlatformProcessName | 'broker', string> = {
  api: 'apps/control-plane/dist/main.js',
  worker: 'apps/control-plane/dist/worker.js',
  agent: 'apps/agent/dist/main.js',
  broker: 'apps/broker/dist/main.js',
};

/** Bundles that are missing (empty when `npm run build` has run). */
export function missingPlatformBundles(root = repoRoot()): string[] {
  return Object.values(PLATFORM_ENTRIES).filter((e) => !existsSync(join(root, e)));
}

export interface PlatformProcessesOptions {
  databaseUrl: string;
  redisUrl: string;
  /** The REST API's port on `host`. */
  port: number;
  host?: string;
  /** At least 24 characters; the API accepts it, the agent sends it. */
  agentToken: string;
  agentDataRoot: string;
  /** Ports for the agent's brokers, "MIN-MAX" (2 per broker). */
  agentPortRange: string;
  /** Extra environment for the API, the worker and the agent. */
  apiEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  agentEnv?: Record<string, string>;
  onLine?: (name: PlatformProcessName, line: string) => void;
  /**
   * Run each in its own process group and do not SIGKILL them on this process's signals: the
   * launcher stops them in order itself.
   */
  detached?: boolean;
  root?: string;
}

export class PlatformProcesses {
  readonly api: PlatformProcess;
  readonly worker: PlatformProcess;
  readonly agent: PlatformProcess;
  readonly url: string;

  constructor(readonly o: PlatformProcessesOptions) {
    const root = o.root ?? repoRoot();
    const host = o.host ?? '127.0.0.1';
    this.url = `http://${host}:${o.port}`;
    const shared = { DATABASE_URL: o.databaseUrl, REDIS_URL: o.redisUrl };
    const make = (
      name: PlatformProcessName,
      readyLine: string,
      env: Record<string, string>,
      args: string[] = [],
    ) =>
      new PlatformProcess({
        name,
        entry: join(root, PLATFORM_ENTRIES[name]),
        args,
        cwd: root,
        env,
        readyLine,
        detached: o.detached,
        killWithParent: !o.detached,
        onLine: o.onLine ? (line) => o.onLine?.(name, line) : undefined,
      });
    this.api = make('api', 'tributary control plane listening on', {
      ...shared,
      PORT: String(o.port),
      HOST: host,
      TRIBUTARY_AGENT_TOKEN: o.agentToken,
      // Plain HTTP on loopback: a Secure cookie would never come back.
      TRIBUTARY_COOKIE_SECURE: 'false',
      ...o.apiEnv,
    });
    this.worker = make('worker', 'tributary control-plane worker ready', {
      ...shared,
      TRIBUTARY_AGENT_TOKEN: o.agentToken,
      ...o.workerEnv,
    });
    this.agent = make(
      'agent',
      'tributary agent running',
      {
        TRIBUTARY_CONTROL_PLANE_URL: this.url,
        TRIBUTARY_AGENT_TOKEN: o.agentToken,
        TRIBUTARY_AGENT_DATA_ROOT: o.agentDataRoot,
        TRIBUTARY_AGENT_PORT_RANGE: o.agentPortRange,
        TRIBUTARY_BROKER_ENTRY: join(root, PLATFORM_ENTRIES.broker),
        ...o.agentEnv,
      },
      [],
    );
  }

  process(name: PlatformProcessName): PlatformProcess {
    return this[name];
  }

  async startAll(): Promise<void> {
    const missing = missingPlatformBundles(this.o.root);
    if (missing.length) throw new Error(`not built: ${missing.join(', ')} (npm run build)`);
    await this.api.start();
    await Promise.all([this.worker.start(), this.agent.start()]);
  }

  /**
   * Stops everything: the agent, then the brokers of its pools (pool directories stay, so a
   * next agent starts them again from the desired state), then worker and API.
   */
  async stopAll(): Promise<Error[]> {
    const errors: Error[] = [];
    const step = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (e) {
        errors.push(e as Error);
      }
    };
    await step(() => this.agent.stop());
    await step(() => stopPoolBrokers(this.o.agentDataRoot));
    await step(() => Promise.all([this.worker.stop(), this.api.stop()]));
    return errors;
  }
}
