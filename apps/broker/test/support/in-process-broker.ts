/**
 * Starts a real broker inside the test process on an ephemeral loopback port with a fresh
 * data directory. Fast enough for every test file; process-level behaviour (signals, kill -9)
 * is tested through @tributary/testing's startBroker instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../src/broker.js';
import { parseArgs } from '../../src/config/parse-args.js';
import { createLogger, type Logger } from '../../src/logger.js';

export interface TestBroker {
  broker: Broker;
  bootstrap: string;
  port: number;
  dataDir: string;
  /** Bound port of the listener with this name (e.g. SASL_SSL), from `extraArgs`. */
  listenerPort(name: string): number;
  /** The admin endpoint's base URL (with `adminToken`). */
  adminUrl: string | null;
  /** Stops the broker (graceful) and starts a new one on the same data dir and port. */
  restart(): Promise<TestBroker>;
  /** Stops the broker and removes its data directory. */
  stop(): Promise<void>;
}

export interface TestBrokerOptions {
  /** Enables the admin endpoint on an ephemeral loopback port with this pool token. */
  adminToken?: string;
  /** More command-line arguments, e.g. extra `--listen` flags. */
  extraArgs?: string[];
  /** Replaces the stderr logger (e.g. to assert on log lines). */
  log?: Logger;
}

export async function startTestBroker(
  props: Record<string, string> = {},
  dataDir?: string,
  port = 0,
  options: TestBrokerOptions = {},
): Promise<TestBroker> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'tributary-broker-')));
  const args = ['--data-dir', dir, '--listen', `127.0.0.1:${port}`, ...(options.extraArgs ?? [])];
  const defaults: Record<string, string> = { 'group.initial.rebalance.delay.ms': '0' };
  for (const [k, v] of Object.entries({ ...defaults, ...props })) args.push('--set', `${k}=${v}`);
  const config = parseArgs(args);
  if (options.adminToken) config.admin = { host: '127.0.0.1', port: 0, token: options.adminToken };
  const broker = await Broker.start(
    config,
    options.log ?? createLogger((process.env.TRIBUTARY_LOG_LEVEL as 'debug') ?? 'warn'),
  );
  const actualPort = broker.address.port;
  const handle: TestBroker = {
    broker,
    bootstrap: `127.0.0.1:${actualPort}`,
    port: actualPort,
    dataDir: dir,
    listenerPort(name) {
      const i = config.listeners.findIndex((l) => l.name === name);
      if (i < 0) throw new Error(`no listener ${name}`);
      return broker.addresses[i].port;
    },
    adminUrl: broker.adminAddress ? `http://127.0.0.1:${broker.adminAddress.port}` : null,
    async restart() {
      await broker.stop();
      return startTestBroker(props, dir, actualPort, options);
    },
    async stop() {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
