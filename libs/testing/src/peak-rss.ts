import { readFileSync } from 'node:fs';

/** VmHWM (peak resident set size) of a live process in bytes, or undefined once it is gone. */
export function readPeakRssBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Remembers the highest VmHWM seen for a process, sampling every intervalMs, so the peak is
 * still known after the process has exited (when /proc/<pid> is gone).
 */
export class PeakRssTracker {
  private peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    intervalMs = 1000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Reads VmHWM now (if the process is alive) and returns the peak so far. */
  sample(): number {
    const now = readPeakRssBytes(this.pid);
    if (now !== undefined && now > this.peakBytes) this.peakBytes = now;
    return this.peakBytes;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}
