/** A bad agent setting: main prints the message and the usage line, and exits with code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
