/**
 * One broker per data directory. Two brokers on one directory would both append to the same
 * segment files and rewrite the same metadata, corrupting them. Kafka takes an OS file lock
 * (`.lock`); Node has no flock, so the broker creates `meta/lock` exclusively with its pid and
 * process start time, and removes it on a clean stop.
 *
 * A lock left by a crash (kill -9) is taken over when its owner is gone: no such pid, or the
 * pid now belongs to another process (its start time in /proc differs), or it is this very
 * process without a live Broker on the directory (a container restart reuses pids). Within one
 * process, a directory held by a running Broker is refused too.
 * Not covered: two brokers taking over the same stale lock at the same instant.
 */
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import type { DataDir } from './data-dir.js';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/** Data directories locked by this process. */
const heldHere = new Set<string>();

/** Start time of a process in clock ticks since boot (Linux), or null when unknown. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; field 22 is starttime.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock file's owner still runs. */
function held(content: string, dir: string): { pid: number } | null {
  const [pidText, started] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (pid === process.pid) return heldHere.has(dir) ? { pid } : null;
  if (!alive(pid)) return null;
  const now = startTime(pid);
  if (started && now !== null && now !== started) return null;
  return { pid };
}

export class DataDirLock {
  private constructor(
    private readonly path: string,
    private readonly dir: string,
  ) {}

  static async acquire(dir: DataDir): Promise<DataDirLock> {
    await mkdir(dir.metaDir, { recursive: true });
    const path = dir.lockFile;
    const content = `${process.pid} ${startTime(process.pid) ?? ''}\n`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fh = await open(path, 'wx');
        try {
          await fh.writeFile(content);
        } finally {
          await fh.close();
        }
        heldHere.add(dir.root);
        return new DataDirLock(path, dir.root);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const existing = await readFile(path, 'utf8').catch(() => '');
      const owner = held(existing, dir.root);
      if (owner) {
        throw new DataDirLockedError(
          `data directory ${dir.root} is in use by another broker (pid ${owner.pid}, see ${path}); ` +
            'if no broker runs on it, delete that file',
        );
      }
      await rm(path, { force: true }); // stale: its broker is gone
    }
    throw new DataDirLockedError(`could not lock data directory ${dir.root} (${path})`);
  }

  async release(): Promise<void> {
    heldHere.delete(this.dir);
    await rm(this.path, { force: true });
  }
}
