/**
 * Our broker (apps/broker) as a child process, the way an operator starts it:
 *   node apps/broker/dist/main.js --data-dir DIR --listen HOST:PORT [...args]
 * Ready means the broker printed the agreed line "tributary broker listening on HOST:PORT".
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PeakRssTracker } from './peak-rss.js';
import { freePort } from './ports.js';
import type { ExitStatus } from './process-lifecycle.js';
import { hasExited, killWithParent, stopProcess } from './process-lifecycle.js';
import { repoRoot } from './repo-root.js';
import { createTempDir } from './temp-dir.js';

/** The line (anywhere in a stdout line) that says the broker accepts connections. */
export const BROKER_READY_PATTERN = /tributary broker listening on (\S+):(\d+)/;
/** The broker's entry point relative to the repo root (built by `npm run build`). */
export const BROKER_ENTRY = join('apps', 'broker', 'dist', 'main.js');

export interface BrokerProcessOptions {
  /** Default: a fresh temp dir, deleted by dispose(). A given one is never deleted. */
  dataDir?: string;
  host?: string;
  /** Default: a free port, kept across restart(). */
  port?: number;
  /** Extra broker flags, e.g. ['--set', 'num.partitions=3']. */
  args?: readonly string[];
  /** Entry script, absolute or relative to the repo root (default BROKER_ENTRY). */
  entry?: string;
  /** Node flags, e.g. ['--max-old-space-size=512']. */
  nodeArgs?: readonly string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /** Every line the broker prints, as it prints it. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface BrokerProcess {
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Pid of the current incarnation. */
  readonly pid: number;
  /** SIGTERM and wait for the exit (SIGKILL after 30 s). Keeps the data dir. */
  stop(): Promise<ExitStatus>;
  /** SIGKILL and wait for the exit: a crash. Keeps the data dir. */
  kill(): Promise<ExitStatus>;
  /** Stops the broker if it runs, then starts it again on the same data dir, host and port. */
  restart(): Promise<void>;
  /** Highest VmHWM over every incarnation so far. */
  peakRssBytes(): number;
  /** The last lines the broker printed (stdout and stderr interleaved). */
  recentOutput(): string;
  /** Stops the broker if it runs and deletes the data dir if startBroker created it. */
  dispose(): Promise<void>;
}

/** Whether apps/broker has been built (the entry script exists). */
export function brokerBuilt(entry: string = BROKER_ENTRY): boolean {
  return existsSync(isAbsolute(entry) ? entry : join(repoRoot(), entry));
}

export async function startBroker(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
  const root = repoRoot();
  const entry = options.entry ?? BROKER_ENTRY;
  const entryPath = isAbsolute(entry) ? entry : join(root, entry);
  if (!existsSync(entryPath)) {
    throw new Error(`broker entry ${entryPath} does not exist: build it first (npm run build)`);
  }
  const host = options.host ?? '127.0.0.1';
  const temp = options.dataDir === undefined ? await createTempDir('tributary-broker-') : undefined;
  const dataDir = options.dataDir ?? (temp ? temp.path : '');
  let port = options.port ?? (await freePort(host));
  const recent: string[] = [];
  let peak = 0;
  let current: { child: ChildProcess; rss: PeakRssTracker; unregister: () => void } | undefined;

  const record = (line: string, stream: 'stdout' | 'stderr'): void => {
    recent.push(line);
    if (recent.length > 200) recent.shift();
    options.onOutput?.(line, stream);
  };

  const launch = async (): Promise<void> => {
    const argv = [
      ...(options.nodeArgs ?? []),
      entryPath,
      '--data-dir',
      dataDir,
      '--listen',
      `${host}:${port}`,
      ...(options.args ?? []),
    ];
    const child = spawn(process.execPath, argv, {
      cwd: root,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const unregister = killWithParent(child);
    let ready: (listening: { host: string; port: number }) => void = () => undefined;
    const readyLine = new Promise<{ host: string; port: number }>((resolve) => (ready = resolve));
    // Keep reading both pipes for the broker's whole life, or it blocks once they fill.
    createInterface({ input: child.stdout }).on('line', (line) => {
      record(line, 'stdout');
      const m = BROKER_READY_PATTERN.exec(line);
      if (m) ready({ host: m[1], port: Number(m[2]) });
    });
    createInterface({ input: child.stderr }).on('line', (line) => record(line, 'stderr'));
    const exited = new Promise<ExitStatus>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    // 'close' comes after the last output has been read ('exit' may come before it).
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const rss = new PeakRssTracker(child.pid!);
    current = { child, rss, unregister };

    const timeoutMs = options.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      readyLine,
      exited.then((status) => ({ exited: status })),
      new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
      ),
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout' || 'exited' in outcome) {
      const why =
        outcome === 'timeout'
          ? `printed no "tributary broker listening on" line within ${timeoutMs} ms`
          : `exited during start-up (code ${outcome.exited.code}, signal ${outcome.exited.signal})`;
      await finish('SIGKILL');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      throw new Error(`broker ${why}\n--- output (tail) ---\n${recent.slice(-40).join('\n')}`);
    }
    port = outcome.port;
  };

  const finish = async (signal: NodeJS.Signals): Promise<ExitStatus> => {
    const c = current;
    if (!c) return { code: null, signal: null };
    current = undefined;
    c.rss.stop();
    peak = Math.max(peak, c.rss.sample());
    const status = await stopProcess(c.child, { signal, graceMs: 30_000 });
    c.unregister();
    return status;
  };

  try {
    await launch();
  } catch (e) {
    await temp?.remove();
    throw e;
  }

  return {
    get bootstrap() {
      return `${host}:${port}`;
    },
    host,
    get port() {
      return port;
    },
    dataDir,
    get pid() {
      if (!current || hasExited(current.child)) throw new Error('the broker is not running');
      return current.child.pid!;
    },
    stop: () => finish('SIGTERM'),
    kill: () => finish('SIGKILL'),
    async restart() {
      await finish('SIGTERM');
      await launch();
    },
    peakRssBytes: () => Math.max(peak, current ? current.rss.sample() : 0),
    recentOutput: () => recent.join('\n'),
    async dispose() {
      await finish('SIGTERM');
      await temp?.remove();
    },
  };
}
