/** A Logger that keeps every line (for assertions) and prints nothing. */
import type { Logger } from '../../src/logger.js';

export interface CapturedLog extends Logger {
  lines: string[];
  /** Resolves with the first line (already logged or future) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const add = (level: string) => (msg: string) => {
    const line = `${level} ${msg}`;
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  return {
    lines,
    debug: add('DEBUG'),
    info: add('INFO'),
    warn: add('WARN'),
    error: add('ERROR'),
    waitFor(pattern, timeoutMs = 5000) {
      const found = lines.find((l) => pattern.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line ${pattern}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}
