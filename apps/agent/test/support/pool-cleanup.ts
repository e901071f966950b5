/**
 * Test safety net: brokers of the process driver are detached (they outlive the agent on
 * purpose), so a failing test must stop them itself. Kills every broker whose pid file lies
 * under the data root and whose /proc cmdline shows it is that broker.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function killPoolBrokers(dataRoot: string): Promise<number> {
  let killed = 0;
  let pools: string[] = [];
  try {
    pools = await readdir(join(dataRoot, 'pools'));
  } catch {
    return 0;
  }
  for (const pool of pools) {
    const dir = join(dataRoot, 'pools', pool);
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      const m = /^broker-(\d+)\.pid$/.exec(f);
      if (!m) continue;
      const pid = Number((await readFile(join(dir, f), 'utf8')).trim());
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!cmd.split('\0').includes(join(dir, `broker-${m[1]}`))) continue;
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
  }
  return killed;
}

/**
 * Whether the process runs. A zombie does not: brokers outlive the agent that started them
 * and are then reparented, and whether their new parent collects their exit status is not
 * ours to decide.
 */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
