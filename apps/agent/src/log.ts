/** The agent's log: one line per event on stderr, `level` and above. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(level: LogLevel = 'info', prefix = 'agent'): Logger {
  const at =
    (l: LogLevel) =>
    (message: string): void => {
      if (ORDER[l] >= ORDER[level])
        process.stderr.write(
          `${new Date().toISOString()} ${l.toUpperCase()} ${prefix}: ${message}\n`,
        );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
