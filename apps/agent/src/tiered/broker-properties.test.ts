import { describe, expect, it } from 'vitest';
import { brokerArgv, brokerEnv } from '../drivers/process/broker-process.js';
import {
  checkBrokerConfig,
  ReservedBrokerConfigError,
  reservedBrokerConfigKeys,
  tieredBrokerProperties,
} from './broker-properties.js';
import type { S3Settings } from './s3-settings.js';

const s3: S3Settings = {
  endpoint: 'http://127.0.0.1:4568',
  region: 'eu-west-1',
  bucket: 'tributary-eu',
  prefix: 'region-a/',
  pathStyle: true,
  credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'very-secret' },
};

describe('tiered broker properties', () => {
  it("point the cluster's brokers at its own prefix, the key pair apart", () => {
    expect(tieredBrokerProperties(s3, 'lkc-abc')).toEqual({
      properties: {
        'remote.log.storage.system.enable': 'true',
        'rsm.config.storage.s3.endpoint.url': 'http://127.0.0.1:4568',
        'rsm.config.storage.s3.region': 'eu-west-1',
        'rsm.config.storage.s3.bucket.name': 'tributary-eu',
        'rsm.config.storage.s3.path.style.access.enabled': 'true',
        'rsm.config.key.prefix': 'region-a/',
        'rsm.config.cluster.id': 'lkc-abc',
      },
      secrets: {
        'rsm.config.storage.aws.access.key.id': 'AKIAEXAMPLE',
        'rsm.config.storage.aws.secret.access.key': 'very-secret',
      },
    });
    // AWS endpoint, no prefix, default credential chain.
    const aws = tieredBrokerProperties(
      { ...s3, endpoint: null, prefix: '', pathStyle: false, credentials: null },
      'lkc-abc',
    );
    expect(aws.secrets).toEqual({});
    expect(Object.keys(aws.properties)).not.toContain('rsm.config.storage.s3.endpoint.url');
    expect(Object.keys(aws.properties)).not.toContain('rsm.config.key.prefix');
  });

  it('refuses spec keys that would override what the agent sets', () => {
    expect(
      reservedBrokerConfigKeys({
        'rsm.config.cluster.id': 'lkc-other',
        'remote.log.storage.system.enable': 'false',
        'remote.log.manager.task.interval.ms': '1000',
        'num.partitions': '3',
      }),
    ).toEqual(['remote.log.storage.system.enable', 'rsm.config.cluster.id']);
    expect(() => checkBrokerConfig({ 'rsm.config.key.prefix': 'x/' })).toThrow(
      ReservedBrokerConfigError,
    );
    expect(() => checkBrokerConfig({ 'rsm.config.key.prefix': 'x/' })).toThrow(
      /brokerConfig rsm.config.key.prefix refused: rsm.\* and remote.log.storage.\* are set by the agent/,
    );
    expect(() => checkBrokerConfig({ 'log.segment.bytes': '65536' })).not.toThrow();
  });

  it('keep the key pair off the broker command line and out of its environment', () => {
    const { properties, secrets } = tieredBrokerProperties(s3, 'lkc-abc');
    const argv = brokerArgv({
      brokerId: 0,
      entry: '/x/main.js',
      dataDir: '/d/broker-0',
      clientPort: 1,
      adminPort: 2,
      tokenFile: '/d/admin-token',
      logFile: '/d/broker-0.log',
      memoryMiB: 256,
      brokerConfig: { 'num.partitions': '2', ...properties },
      configFile: '/d/s3-credentials.properties',
    });
    expect(argv.join(' ')).not.toContain(secrets['rsm.config.storage.aws.secret.access.key']);
    expect(argv.join(' ')).not.toContain('AKIAEXAMPLE');
    // The file comes before every --set, so nothing in it can be overridden by a later flag.
    const at = argv.indexOf('--config');
    expect(argv[at + 1]).toBe('/d/s3-credentials.properties');
    expect(at).toBeLessThan(argv.indexOf('--set'));
    expect(argv).toContain('rsm.config.cluster.id=lkc-abc');
    const env = brokerEnv({
      PATH: '/bin',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'very-secret',
      AWS_SESSION_TOKEN: 't',
      TRIBUTARY_AGENT_TOKEN: 'agent',
    });
    expect(env).toEqual({ PATH: '/bin' });
  });
});
