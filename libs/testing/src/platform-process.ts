/**
 * One long-running platform process (control-plane API, worker, agent): `node <entry>` with
 * its environment, ready once a given line appears in its output. It can be stopped
 * (SIGTERM), killed (SIGKILL) and started again with the same settings; its output is kept
 * (last lines) for failure messages and tests that look for a log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { hasExited, killWithParent, stopProcess, type ExitStatus } from './process-lifecycle.js';

export interface PlatformProcessOptions {
  /** A short name for messages: "api", "worker", "agent". */
  name: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Ready once a line of its output contains this. */
  readyLine: string;
  readyTimeoutMs?: number;
  /** Called with every output line (e.g. to print it). */
  onLine?: (line: string) => void;
  /** Own process group: a Ctrl-C at the terminal reaches only whoever started it. */
  detached?: boolean;
  /**
   * SIGKILL it when this process exits or gets SIGINT/SIGTERM/SIGHUP (default true). A
   * launcher that stops its processes in order itself turns this off.
   */
  killWithParent?: boolean;
}

const KEEP_LINES = 2000;

export class PlatformProcess {
  private child: ChildProcess | undefined;
  private unregister: () => void = () => undefined;
  private readonly lines: string[] = [];
  private starts = 0;

  constructor(readonly o: PlatformProcessOptions) {}

  get pid(): number | undefined {
    return this.child && !hasExited(this.child) ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && !hasExited(this.child);
  }

  /** Everything it printed (the last lines), across restarts. */
  output(): string {
    return this.lines.join('\n');
  }

  /** Resolves once a line matching `pattern` appears (looking at earlier lines too). */
  async waitForLine(pattern: RegExp | string, timeoutMs = 30_000, fromLine = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const matches = (l: string) =>
      typeof pattern === 'string' ? l.includes(pattern) : pattern.test(l);
    for (;;) {
      const hit = this.lines.slice(fromLine).find(matches);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline)
        throw new Error(`${this.o.name}: no line matching ${pattern} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** How many lines it printed so far (a starting point for waitForLine). */
  get lineCount(): number {
    return this.lines.length;
  }

  /** Starts it and waits for its ready line; `env` adds to its environment for this start. */
  async start(env: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error(`${this.o.name} is already running`);
    const child = spawn(process.execPath, [this.o.entry, ...(this.o.args ?? [])], {
      cwd: this.o.cwd,
      env: { ...process.env, ...this.o.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.o.detached ?? false,
    });
    this.child = child;
    this.unregister = this.o.killWithParent === false ? () => undefined : killWithParent(child);
    const start = ++this.starts;
    let ready: () => void = () => undefined;
    const readySeen = new Promise<void>((r) => (ready = r));
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
        this.o.onLine?.(line);
        if (line.includes(this.o.readyLine)) ready();
      });
    }
    const timeoutMs = this.o.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (e) =>
        reject(new Error(`${this.o.name}: cannot start ${this.o.entry}: ${e.message}`)),
      );
      child.once('exit', (code, signal) =>
        reject(
          new Error(
            `${this.o.name} exited (${code ?? signal}) before it was ready (start ${start}):\n${this.tail()}`,
          ),
        ),
      );
      timer = setTimeout(
        () => reject(new Error(`${this.o.name} not ready in ${timeoutMs} ms:\n${this.tail()}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([readySeen, failed]);
    } catch (e) {
      await this.kill();
      throw e;
    } finally {
      clearTimeout(timer);
      failed.catch(() => undefined);
    }
  }

  /** SIGTERM (or `signal`), SIGKILL after graceMs; resolves with how it ended. */
  async stop(graceMs = 15_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitStatus | null> {
    if (!this.child) return null;
    const status = await stopProcess(this.child, { signal, graceMs });
    this.unregister();
    return status;
  }

  /** SIGKILL: it dies without any cleanup. */
  async kill(): Promise<void> {
    await this.stop(0, 'SIGKILL');
  }

  async restart(how: 'stop' | 'kill' = 'stop', env: Record<string, string> = {}): Promise<void> {
    await (how === 'stop' ? this.stop() : this.kill());
    await this.start(env);
  }

  private tail(): string {
    return this.lines.slice(-40).join('\n');
  }
}
