#!/usr/bin/env node
/**
 * tributary-broker: a single Kafka broker node.
 * Prints `tributary broker listening on HOST:PORT (LISTENER)` per listener on stdout once it
 * accepts connections (after `tributary broker admin listening on URL` when enabled);
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
  // The admin line first: whoever waits for the (first) listener line may use both at once.
  if (broker.adminAddress) {
    const a = broker.adminAddress;
    process.stdout.write(`tributary broker admin listening on http://${a.host}:${a.port}\n`);
  }
  config.listeners.forEach((l, i) => {
    const a = broker.addresses[i];
    process.stdout.write(`tributary broker listening on ${a.host}:${a.port} (${l.name})\n`);
  });
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
