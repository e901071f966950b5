/**
 * One pool broker as an operating-system process: how it is started (detached, in its own
 * process group, output appended to its log file, so it outlives the agent), how the agent
 * recognises it later (the pid file is only trusted when /proc/<pid>/cmdline is a broker
 * with this data dir), and how it is stopped (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';

export interface BrokerLaunch {
  brokerId: number;
  /** The broker's entry script (apps/broker/dist/main.js). */
  entry: string;
  dataDir: string;
  clientPort: number;
  adminPort: number;
  tokenFile: string;
  logFile: string;
  memoryMiB: number;
  brokerConfig: Record<string, string>;
  /** A 0600 properties file read before the --set flags (secrets stay off the command line). */
  configFile: string | null;
}

/** V8 heap share of the pool's per-broker memory; the rest is buffers, code and stacks. */
const HEAP_SHARE = 0.75;

export function heapMiB(memoryMiB: number): number {
  return Math.max(64, Math.floor(memoryMiB * HEAP_SHARE));
}

/** The full argument vector after the node executable. */
export function brokerArgv(l: BrokerLaunch): string[] {
  const argv = [
    `--max-old-space-size=${heapMiB(l.memoryMiB)}`,
    l.entry,
    '--data-dir',
    l.dataDir,
    '--node-id',
    String(l.brokerId),
    '--listen',
    `SASL_PLAINTEXT://127.0.0.1:${l.clientPort}`,
    '--admin-listen',
    `127.0.0.1:${l.adminPort}`,
    '--admin-token-file',
    l.tokenFile,
  ];
  if (l.configFile) argv.push('--config', l.configFile);
  for (const [k, v] of Object.entries(l.brokerConfig).sort(([a], [b]) => (a < b ? -1 : 1)))
    argv.push('--set', `${k}=${v}`);
  return argv;
}

export interface Launched {
  pid: number;
  /** Resolves with how the process ended, if it ends while this agent runs. */
  exited: Promise<string>;
}

/**
 * The agent's environment minus what must not leak into a broker: tokens (the pool token is
 * a file) and the region's S3 key pair (a broker gets it in its 0600 --config file).
 */
export function brokerEnv(agentEnv: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...agentEnv };
  for (const name of [
    'TRIBUTARY_ADMIN_TOKEN',
    'TRIBUTARY_AGENT_TOKEN',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
  ])
    delete env[name];
  return env;
}

export async function launchBroker(l: BrokerLaunch): Promise<Launched> {
  const fd = openSync(l.logFile, 'a', 0o600);
  try {
    const child = spawn(process.execPath, brokerArgv(l), {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: brokerEnv(),
    });
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) =>
        resolve(signal ? `killed by ${signal}` : `exited with code ${code}`),
      ),
    );
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    return { pid: child.pid!, exited };
  } finally {
    closeSync(fd);
  }
}

/** The process's argument vector, or null when it does not exist (or is a zombie). */
async function cmdline(pid: number): Promise<string[] | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses, which may itself contain spaces.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return null;
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.length === 0 ? null : raw.split('\0').filter((s) => s !== '');
  } catch {
    return null;
  }
}

/** Whether `pid` is alive and is a broker serving `dataDir` (not a recycled pid). */
export async function isBroker(pid: number, dataDir: string): Promise<boolean> {
  const argv = await cmdline(pid);
  if (!argv) return false;
  const at = argv.indexOf('--data-dir');
  return at >= 0 && argv[at + 1] === dataDir;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function gone(pid: number, dataDir: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!(await isBroker(pid, dataDir))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !(await isBroker(pid, dataDir));
}

/** SIGTERM (a clean stop saves the usage counters), SIGKILL after `graceMs`. */
export async function stopBroker(pid: number, dataDir: string, graceMs: number): Promise<void> {
  if (!(await isBroker(pid, dataDir))) return;
  signal(pid, 'SIGTERM');
  if (await gone(pid, dataDir, graceMs)) return;
  signal(pid, 'SIGKILL');
  if (!(await gone(pid, dataDir, 10_000)))
    throw new Error(`broker pid ${pid} (${dataDir}) did not exit after SIGKILL`);
}

/** The last non-empty line of a log file (read from its tail), for error reports. */
export async function lastLogLine(file: string): Promise<string | null> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 4096);
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      const lines = buf
        .toString('utf8')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      return lines.at(-1)?.slice(0, 500) ?? null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
