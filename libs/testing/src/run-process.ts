import { spawn } from 'node:child_process';

export interface RunProcessOptions {
  cwd?: string;
  /** Added to (not replacing) the current environment. */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer;
  /** SIGKILL after this long; the result then has `timedOut: true`. Default 120 s. */
  timeoutMs?: number;
  /** Resolve instead of rejecting when the exit code is non-zero or the run timed out. */
  allowFailure?: boolean;
}

export interface ProcessResult {
  command: string;
  args: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

/** A run that exited non-zero, was killed, or timed out; carries everything it printed. */
export class ProcessError extends Error {
  override name = 'ProcessError';
  constructor(readonly result: ProcessResult) {
    const what = result.timedOut
      ? 'timed out'
      : result.signal !== null
        ? `was killed by ${result.signal}`
        : `exited with ${result.code}`;
    const stderr = tail(result.stderr, 4000);
    super(`${describe(result)} ${what}${stderr ? `\n--- stderr (tail) ---\n${stderr}` : ''}`);
  }
}

/** Runs a program to completion, collecting stdout (bytes) and stderr (text). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // The child may exit without reading all of its input; that is its business, not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${e.message}`, { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const result: ProcessResult = {
        command,
        args,
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      };
      if (!options.allowFailure && (code !== 0 || timedOut)) reject(new ProcessError(result));
      else resolve(result);
    });
  });
}

function describe(result: ProcessResult): string {
  const shown = result.args.slice(0, 12).join(' ');
  return `${result.command} ${shown}${result.args.length > 12 ? ' ...' : ''}`;
}

function tail(text: string, max: number): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= max ? trimmed : `...${trimmed.slice(trimmed.length - max)}`;
}
