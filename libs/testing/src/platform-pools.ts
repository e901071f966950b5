/**
 * The broker pools an agent's `process` driver runs, seen from outside: pool directories under
 * `<dataRoot>/pools/<clusterId>/`, each broker's pid (from `broker-<n>.pid`, trusted only when
 * /proc shows a broker with that data dir), every broker process on the machine whose data
 * dir lies under the data root (to catch a second copy no pid file names), and stopping them.
 * Brokers outlive the agent on purpose, so whoever started an agent stops them this way.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PoolBroker {
  clusterId: string;
  brokerId: number;
  dataDir: string;
  /** null: no running broker with this data dir. */
  pid: number | null;
}

/** Whether the process runs (a zombie does not). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** The value after `--data-dir` in a process's command line, if it is a broker. */
function brokerDataDir(pid: number): string | null {
  const argv = cmdline(pid);
  const i = argv.indexOf('--data-dir');
  return i >= 0 && argv.some((a) => a.endsWith('broker/dist/main.js')) ? argv[i + 1] : null;
}

/** Cluster ids with a pool directory. */
export async function listPools(dataRoot: string): Promise<string[]> {
  const entries = await readdir(join(dataRoot, 'pools'), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The brokers of one pool as its pid files say, each checked against /proc. */
export async function poolBrokers(dataRoot: string, clusterId: string): Promise<PoolBroker[]> {
  const dir = join(dataRoot, 'pools', clusterId);
  const files = await readdir(dir).catch(() => [] as string[]);
  const out: PoolBroker[] = [];
  for (const f of files) {
    const m = /^broker-(\d+)$/.exec(f);
    if (!m) continue;
    const dataDir = join(dir, f);
    const text = await readFile(join(dir, `${f}.pid`), 'utf8').catch(() => '');
    const pid = Number(text.trim());
    const ok = Number.isInteger(pid) && pid > 0 && pidAlive(pid) && brokerDataDir(pid) === dataDir;
    out.push({ clusterId, brokerId: Number(m[1]), dataDir, pid: ok ? pid : null });
  }
  return out.sort((a, b) => a.brokerId - b.brokerId);
}

/** Every live broker process whose data dir is under `dataRoot` (pid → data dir). */
export async function brokerProcessesUnder(dataRoot: string): Promise<Map<number, string>> {
  const prefix = join(dataRoot, 'pools') + '/';
  const out = new Map<number, string>();
  for (const e of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    const dir = brokerDataDir(pid);
    if (dir?.startsWith(prefix) && pidAlive(pid)) out.set(pid, dir);
  }
  return out;
}

/**
 * Stops every broker process under the data root: SIGTERM (a clean stop saves the broker's
 * final usage counters), SIGKILL for those still running after graceMs. Pool directories stay
 * (the next agent starts the brokers again from them). Returns the pids it stopped.
 */
export async function stopPoolBrokers(dataRoot: string, graceMs = 10_000): Promise<number[]> {
  const pids = [...(await brokerProcessesUnder(dataRoot)).keys()];
  const signal = (pid: number, s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // already gone
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(pidAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(pidAlive)) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (pids.some(pidAlive) && Date.now() < killDeadline)
    await new Promise((r) => setTimeout(r, 50));
  return pids;
}
