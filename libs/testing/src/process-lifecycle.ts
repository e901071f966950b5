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

/**
 * SIGKILLs the child if this process exits first, so a crashed or interrupted test run leaves
 * no broker behind. Returns the function that cancels this.
 */
export function killWithParent(child: ChildProcess): () => void {
  const onExit = (): void => {
    if (!hasExited(child)) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  return () => process.off('exit', onExit);
}
