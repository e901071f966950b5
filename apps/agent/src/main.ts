#!/usr/bin/env node
/**
 * tributary-agent: the data-plane agent. Long-polls the control plane for the desired state
 * of its pools, runs them through a driver, pushes credentials/ACLs/limits/topics to the
 * brokers and reports observed state and usage (README.md). Prints
 * `tributary agent running (driver ..., data root ...)` once started; SIGTERM/SIGINT stop the
 * agent only — the brokers keep running and the next agent adopts them.
 */
import { existsSync } from 'node:fs';
import { Agent } from './agent.js';
import { ConfigError, USAGE, parseConfig } from './config.js';
import { ControlPlaneClient } from './control-plane/control-plane-client.js';
import { KubernetesDriver, loadKubeConfig } from './drivers/kubernetes/kubernetes-driver.js';
import { readRenderOptions } from './drivers/kubernetes/render-options.js';
import type { PoolDriver } from './drivers/pool-driver.js';
import { ProcessDriver } from './drivers/process/process-driver.js';
import { createLogger } from './log.js';
import { ClusterDataEraser } from './tiered/cluster-data-eraser.js';

const VERSION = 'tributary-agent/0.1.0';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  if (config.driver === 'process' && !existsSync(config.brokerEntry)) {
    process.stderr.write(
      `tributary agent: broker entry ${config.brokerEntry} does not exist (npm run build, or --broker-entry)\n`,
    );
    process.exit(2);
  }
  let driver: PoolDriver;
  if (config.driver === 'kubernetes') {
    try {
      driver = new KubernetesDriver({
        render: readRenderOptions(config.kubernetesOptionsFile as string),
        kubeConfig: loadKubeConfig(config.kubeconfigFile ?? undefined),
        s3: config.s3,
      });
    } catch (err) {
      process.stderr.write(`tributary agent: kubernetes driver: ${(err as Error).message}\n`);
      process.exit(2);
    }
  } else {
    driver = await ProcessDriver.start({
      dataRoot: config.dataRoot,
      brokerEntry: config.brokerEntry,
      portRange: config.portRange,
      log,
      s3: config.s3,
    });
  }
  const eraser = config.s3 ? new ClusterDataEraser({ s3: config.s3, log }) : null;
  const agent = new Agent({
    controlPlane: new ControlPlaneClient(config.controlPlaneUrl, config.agentToken),
    driver,
    dataRoot: config.dataRoot,
    log,
    version: VERSION,
    pollWaitMs: config.pollWaitMs,
    resyncMs: config.resyncMs,
    usageIntervalMs: config.usageIntervalMs,
    eraser,
  });
  agent.start();
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: stopping the agent (brokers keep running)`);
    Promise.all([agent.stop(), driver.close()]).then(
      () => {
        eraser?.close();
        process.exit(0);
      },
      (err: unknown) => {
        log.error(`stop failed: ${(err as Error).stack ?? String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const tiered = config.s3
    ? `tiered storage s3://${config.s3.bucket}/${config.s3.prefix}clusters/<cluster id>/`
    : 'tiered storage off';
  process.stdout.write(
    `tributary agent running (driver ${config.driver}, data root ${config.dataRoot}, control plane ${config.controlPlaneUrl}, ${tiered})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`tributary agent failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
