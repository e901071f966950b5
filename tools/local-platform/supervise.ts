/**
 * Keeps a local-platform process (API, worker or agent) running: when it exits on its own it
 * is started again after a backoff (1 s, doubling to 30 s); a process that keeps crashing
 * (5 exits within 2 minutes) takes the platform down with its last lines, instead of looping.
 * The brokers are the agent's (detached): a restarted agent adopts them.
 */
import type { PlatformProcess } from '@tributary/testing';

export interface SuperviseOptions {
  name: string;
  process: PlatformProcess;
  isStopping(): boolean;
  say(line: string): void;
  /** The process crash-loops: stop the platform. */
  giveUp(reason: string): Promise<void>;
  checkEveryMs?: number;
}

const MAX_EXITS = 5;
const EXIT_WINDOW_MS = 120_000;

export function supervise(o: SuperviseOptions): void {
  const exits: number[] = [];
  let backoffMs = 1000;
  void (async () => {
    for (;;) {
      await new Promise((r) => setTimeout(r, o.checkEveryMs ?? 500));
      if (o.isStopping()) return;
      if (o.process.running) continue;
      const now = Date.now();
      exits.push(now);
      while (exits.length > 0 && exits[0] < now - EXIT_WINDOW_MS) exits.shift();
      const last = o.process.output().split('\n').slice(-15).join('\n');
      if (exits.length >= MAX_EXITS) {
        console.error(
          `local platform: ${o.name} exited ${exits.length} times in 2 minutes; last lines:\n${last}`,
        );
        await o.giveUp(`${o.name} keeps exiting`);
        return;
      }
      console.error(`local platform: ${o.name} exited unexpectedly; last lines:\n${last}`);
      o.say(`restarting ${o.name} in ${backoffMs / 1000} s`);
      await new Promise((r) => setTimeout(r, backoffMs));
      if (o.isStopping()) return;
      try {
        await o.process.start();
        o.say(`${o.name} running again`);
        backoffMs = 1000;
      } catch (e) {
        console.error(`local platform: restarting ${o.name} failed: ${(e as Error).message}`);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  })();
}
