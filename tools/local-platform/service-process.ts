/**
 * A background service of the local platform (PostgreSQL, Redis): spawned in its own process
 * group (a Ctrl-C at the terminal reaches only the launcher, which stops things in order),
 * output appended to a log file, ready once a line appears; stopped with a signal, then
 * SIGKILL after a grace period. Also: stopping a copy left running by a launcher that was
 * killed, found through the service's own pid file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pidAlive, stopProcess } from '@tributary/testing';

export interface ServiceProcess {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startService(o: {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  readyLine: string;
  stopSignal: NodeJS.Signals;
  timeoutMs?: number;
}): Promise<ServiceProcess> {
  const log = createWriteStream(o.logFile, { flags: 'a' });
  const child = spawn(o.command, o.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const recent: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        recent.push(line);
        if (recent.length > 30) recent.shift();
        if (line.includes(o.readyLine)) resolve();
      });
    }
    child.once('error', (e) =>
      reject(new Error(`${o.name}: cannot run ${o.command}: ${e.message}`)),
    );
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `${o.name} exited (${code ?? signal}) before it was ready (log: ${o.logFile}):\n${recent.join('\n')}`,
        ),
      ),
    );
    setTimeout(
      () =>
        reject(new Error(`${o.name} not ready in ${o.timeoutMs ?? 60_000} ms (log: ${o.logFile})`)),
      o.timeoutMs ?? 60_000,
    ).unref();
  });
  try {
    await ready;
  } catch (e) {
    await stopProcess(child, { signal: 'SIGKILL', graceMs: 5_000 });
    log.end();
    throw e;
  }
  return {
    child,
    async stop() {
      await stopProcess(child, { signal: o.stopSignal, graceMs: 30_000 });
      log.end();
    },
  };
}

/**
 * If `pidFile` names a live process whose command line contains `marker`, stops it (signal,
 * then SIGKILL after 30 s) and returns its pid; otherwise null.
 */
export async function stopLeftover(
  pidFile: string,
  marker: string,
  signal: NodeJS.Signals,
): Promise<number | null> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0].trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
  if (!cmd.includes(marker)) return null;
  process.kill(pid, signal);
  const deadline = Date.now() + 30_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  return pid;
}
