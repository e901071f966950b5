/** Line-oriented logger on stderr; stdout is kept for the machine-readable start-up line. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string): void;
}

export function createLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3 };
  const min = order[level];
  const line = (lvl: keyof typeof order, msg: string): void => {
    if (order[lvl] >= min)
      process.stderr.write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${msg}\n`);
  };
  return {
    debug: (m) => line('debug', m),
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
  };
}
