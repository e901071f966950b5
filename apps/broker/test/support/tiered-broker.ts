/**
 * A test file's broker process tiering to its own s3rver (a real S3 HTTP server): started
 * before the file's tests, stopped after them, even when they fail.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import {
  brokerBuilt,
  createTempDir,
  startBroker,
  startS3Server,
  type BrokerProcess,
  type S3Server,
  type TempDir,
} from '@tributary/testing';
import { BUCKET, tieredBrokerArgs } from './tiered.js';

export interface TieredBrokerFixture {
  readonly broker: BrokerProcess;
  readonly s3: S3Server;
  kafka(clientId?: string): Kafka;
}

/** Registers the file's beforeAll/afterAll; extra broker args go after tieredBrokerArgs'. */
export function useTieredBroker(
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): TieredBrokerFixture {
  let s3dir: TempDir | undefined;
  let s3: S3Server | undefined;
  let broker: BrokerProcess | undefined;
  beforeAll(async () => {
    if (!brokerBuilt()) throw new Error('build the broker first (npm run build)');
    s3dir = await createTempDir('tributary-s3-');
    s3 = await startS3Server({ dataDir: s3dir.path, buckets: [BUCKET] });
    broker = await startBroker({ args: tieredBrokerArgs(s3.endpoint, s3, extraArgs), env });
  }, 60_000);
  afterAll(async () => {
    await broker?.dispose();
    await s3?.stop();
    await s3dir?.remove();
  });
  return {
    get broker() {
      if (!broker) throw new Error('the tiered broker is not running');
      return broker;
    },
    get s3() {
      if (!s3) throw new Error('the S3 server is not running');
      return s3;
    },
    kafka(clientId = 'tiered-it') {
      return new Kafka({ clientId, brokers: [this.broker.bootstrap], logLevel: logLevel.NOTHING });
    },
  };
}
