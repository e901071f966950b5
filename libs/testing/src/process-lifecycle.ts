import type { ChildProcess } from 'node:child_process';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** True once the child has exited (or could never start). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves with the exit status, or with null if the child is still running after timeoutMs. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<ExitStatus | null> {
  if (hasExited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(null);
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      resolve({ code, signal });
    };
    child.once('exit', onExit);
  });
}

/**
 * Sends `signal` (SIGTERM by default) and waits up to graceMs for the exit; a child that is
 * still running then gets SIGKILL. Resolves with how it ended.
 */
export async function stopProcess(
  child: ChildProcess,
  { signal = 'SIGTERM', graceMs = 30_000 }: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<ExitStatus> {
  if (hasExited(child)) return { code: child.exitCode, signal: child.signalCode };
  child.kill(signal);
  const status = await waitForExit(child, graceMs);
  if (status !== null) return status;
  child.kill('SIGKILL');
  return (await waitForExit(child, 10_000)) ?? { code: null, signal: 'SIGKILL' };
}

/** Children to kill if this process goes away first. */
const orphans = new Set<ChildProcess>();
let handlersInstalled = false;

function killOrphans(): void {
  for (const child of orphans) if (!hasExited(child)) child.kill('SIGKILL');
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killOrphans);
  // Node exits on these signals without running 'exit' listeners: handle them, then die by
  // the same signal as Node would have, unless someone else also listens and decides.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killOrphans();
      process.off(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * SIGKILLs the child if this process exits or is interrupted (SIGINT, SIGTERM, SIGHUP) first,
 * so a crashed or cancelled test run leaves no broker behind. Returns the function that
 * cancels this.
 */
export function killWithParent(child: ChildProcess): () => void {
  installHandlers();
  orphans.add(child);
  child.once('exit', () => orphans.delete(child));
  return () => orphans.delete(child);
}
