/**
 * Finds a running broker by its data dir when its pid file is missing or stale (the agent
 * died between starting a broker and writing the pid file), so the agent adopts it instead
 * of starting a second copy that would fail on the data dir lock.
 */
import { readdir } from 'node:fs/promises';
import { isBroker } from './broker-process.js';

export async function findBrokerPid(dataDir: string): Promise<number | null> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return null;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid !== process.pid && (await isBroker(pid, dataDir))) return pid;
  }
  return null;
}
