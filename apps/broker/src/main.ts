#!/usr/bin/env node
/**
 * tributary-broker: a single Kafka broker node.
 * Prints `tributary broker listening on HOST:PORT` on stdout once it accepts connections;
 * SIGTERM/SIGINT stop it cleanly (exit 0). After a SIGKILL it recovers on the next start.
 */
import { Broker } from './broker.js';
import { USAGE, UsageError, parseArgs } from './config/parse-args.js';
import { createLogger } from './logger.js';
import { DataDirLockedError } from './storage/data-dir-lock.js';

async function main(): Promise<void> {
  const log = createLogger(
    (process.env.TRIBUTARY_LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'info',
  );
  let config;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  let broker: Broker;
  try {
    broker = await Broker.start(config, log);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`tributary broker failed to start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received, shutting down`);
    broker.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error(`shutdown failed: ${(err as Error).stack ?? String(err)}`);
        process.exit(1);
      },
    );
  };
  // Installed before the ready line: whoever reads it may signal at once.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(
    `tributary broker listening on ${broker.address.host}:${broker.address.port}\n`,
  );
  log.info(
    `node ${config.nodeId} of cluster ${broker.context.clusterId}, data dir ${config.dataDir}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `tributary broker failed to start: ${(err as Error).stack ?? String(err)}\n`,
  );
  process.exit(1);
});
