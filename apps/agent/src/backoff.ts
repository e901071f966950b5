/**
 * Retry delays: exponential from `initialMs`, capped at `maxMs`, with "equal jitter" (half
 * fixed, half random) so many agents that lost the control plane together do not return in
 * lock-step, while a single agent still retries promptly.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, o: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(o.maxMs, o.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
