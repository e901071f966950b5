/**
 * The agent as an operator runs it: `node apps/agent/dist/main.js` (build first) with its
 * configuration in the environment. Ready once it prints "tributary agent running".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { killWithParent, repoRoot, stopProcess } from '@tributary/testing';

export const AGENT_ENTRY = join(repoRoot(), 'apps/agent/dist/main.js');

export interface AgentProcess {
  readonly pid: number;
  output(): string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait: the agent dies without any cleanup. */
  kill(): Promise<void>;
}

export async function startAgent(env: Record<string, string>): Promise<AgentProcess> {
  const child: ChildProcess = spawn(process.execPath, [AGENT_ENTRY], {
    env: { ...process.env, TRIBUTARY_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const unregister = killWithParent(child);
  const lines: string[] = [];
  let ready: () => void = () => undefined;
  const readyLine = new Promise<void>((resolve) => (ready = resolve));
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (process.env.AGENT_TEST_VERBOSE) console.log(`[agent] ${line}`);
      if (line.includes('tributary agent running')) ready();
    });
  }
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`agent exited (${code}) at start:\n${lines.join('\n')}`)),
    ),
  );
  await Promise.race([readyLine, exited]);
  exited.catch(() => undefined);
  return {
    pid: child.pid!,
    output: () => lines.join('\n'),
    async stop() {
      await stopProcess(child, { signal: 'SIGTERM', graceMs: 15_000 });
      unregister();
    },
    async kill() {
      await stopProcess(child, { signal: 'SIGKILL' });
      unregister();
    },
  };
}
