import { describe, expect, it } from 'vitest';
import { ConfigError, defaultBrokerEntry, parseConfig } from './config.js';
import { backoffDelay } from './backoff.js';

const env = {
  TRIBUTARY_CONTROL_PLANE_URL: 'http://127.0.0.1:8080',
  TRIBUTARY_AGENT_TOKEN: 't'.repeat(20),
};

describe('parseConfig', () => {
  it('takes the environment, with flags winning, and fills defaults', () => {
    const c = parseConfig(['--port-range', '30000-30010', '--poll-wait-ms', '1000'], {
      ...env,
      TRIBUTARY_AGENT_PORT_RANGE: '20000-20010',
    });
    expect(c).toMatchObject({
      controlPlaneUrl: 'http://127.0.0.1:8080/',
      driver: 'process',
      portRange: { min: 30000, max: 30010 },
      pollWaitMs: 1000,
      resyncMs: 5000,
      usageIntervalMs: 10000,
      brokerEntry: defaultBrokerEntry(),
    });
    expect(defaultBrokerEntry()).toMatch(/apps\/broker\/dist\/main\.js$/);
  });

  it('takes the kubernetes driver with its render options and kubeconfig', () => {
    const c = parseConfig(['--driver', 'kubernetes', '--kubernetes-options', '/etc/t/k8s.json'], {
      ...env,
      TRIBUTARY_AGENT_KUBECONFIG: '/etc/t/kubeconfig',
    });
    expect(c).toMatchObject({
      driver: 'kubernetes',
      kubernetesOptionsFile: '/etc/t/k8s.json',
      kubeconfigFile: '/etc/t/kubeconfig',
    });
    expect(parseConfig([], env)).toMatchObject({
      kubernetesOptionsFile: null,
      kubeconfigFile: null,
    });
  });

  it('refuses bad or missing settings with a precise message', () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [[], { TRIBUTARY_AGENT_TOKEN: 't'.repeat(20) }, /control-plane-url/],
      [[], { ...env, TRIBUTARY_CONTROL_PLANE_URL: 'ftp://x' }, /http/],
      [[], { TRIBUTARY_CONTROL_PLANE_URL: 'http://x' }, /agent token/],
      [[], { ...env, TRIBUTARY_AGENT_TOKEN: 'short' }, /shorter than 16/],
      [['--driver', 'docker'], env, /process or kubernetes, got "docker"/],
      [['--driver', 'kubernetes'], env, /needs --kubernetes-options/],
      [['--port-range', '80-90'], env, /port range/],
      [['--poll-wait-ms', '60000'], env, /poll-wait-ms/],
      [['--agent-token', 'x'], env, /unknown argument/],
      [['--resync-ms'], env, /needs a value/],
    ];
    for (const [argv, e, message] of cases) {
      expect(() => parseConfig(argv, e)).toThrow(ConfigError);
      expect(() => parseConfig(argv, e)).toThrow(message);
    }
  });
});

describe("parseConfig: the region's S3", () => {
  const s3env = {
    ...env,
    TRIBUTARY_AGENT_S3_BUCKET: 'tributary-eu',
    TRIBUTARY_AGENT_S3_REGION: 'eu-west-1',
  };

  it('is off without a bucket, whatever AWS variables the environment has', () => {
    expect(parseConfig([], { ...env, AWS_ACCESS_KEY_ID: 'AKIA', AWS_REGION: 'eu-west-1' }).s3).toBe(
      null,
    );
  });

  it('takes flags over the environment, credentials only from AWS_* variables', () => {
    const c = parseConfig(
      [
        '--s3-endpoint',
        'http://127.0.0.1:4568/',
        '--s3-prefix',
        'region-a/',
        '--s3-path-style',
        'true',
        '--s3-region',
        'us-east-1',
      ],
      { ...s3env, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'se/cr+et=' },
    );
    expect(c.s3).toEqual({
      endpoint: 'http://127.0.0.1:4568',
      region: 'us-east-1',
      bucket: 'tributary-eu',
      prefix: 'region-a/',
      pathStyle: true,
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'se/cr+et=' },
    });
    expect(
      parseConfig([], { ...env, TRIBUTARY_AGENT_S3_BUCKET: 'b-1', AWS_REGION: 'ap-south-1' }).s3,
    ).toEqual({
      endpoint: null,
      region: 'ap-south-1',
      bucket: 'b-1',
      prefix: '',
      pathStyle: false,
      credentials: null,
    });
  });

  it('refuses bad S3 settings with a precise message', () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--s3-endpoint', 'http://x:9000'], env, /--s3-endpoint given without --s3-bucket/],
      [['--s3-bucket', 'b1'], env, /bucket name/],
      [['--s3-bucket', 'Tributary_Data'], env, /bucket name .* got "Tributary_Data"/],
      [['--s3-bucket', '10.0.0.1'], env, /bucket name/],
      [['--s3-bucket', 'tributary-data'], env, /--s3-region .* is required with --s3-bucket/],
      [['--s3-region', 'EU West'], s3env, /region name like eu-west-1, got "EU West"/],
      [['--s3-prefix', 'tributary'], s3env, /--s3-prefix must be empty or path segments ending in/],
      [['--s3-prefix', '/tributary/'], s3env, /no leading or double slash/],
      [['--s3-prefix', 'a//b/'], s3env, /--s3-prefix/],
      [['--s3-path-style', 'yes'], s3env, /--s3-path-style must be true or false, got "yes"/],
      [['--s3-endpoint', 'minio:9000'], s3env, /--s3-endpoint must be http/],
      [['--s3-endpoint', 'not a url'], s3env, /--s3-endpoint is not a URL/],
      [['--s3-endpoint', 'http://h:9000/bucket'], s3env, /no path, query or user info/],
      [
        [],
        { ...s3env, AWS_ACCESS_KEY_ID: 'AKIA' },
        /go together \(only AWS_ACCESS_KEY_ID is set\)/,
      ],
      [[], { ...s3env, AWS_SECRET_ACCESS_KEY: 'x' }, /only AWS_SECRET_ACCESS_KEY is set/],
      [
        [],
        { ...s3env, AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'x', AWS_SESSION_TOKEN: 't' },
        /AWS_SESSION_TOKEN is not supported/,
      ],
      [
        [],
        { ...s3env, AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'two words' },
        /AWS_SECRET_ACCESS_KEY must be printable ASCII without blanks/,
      ],
      [['--s3-secret-access-key', 'x'], s3env, /unknown argument --s3-secret-access-key/],
    ];
    for (const [argv, e, message] of cases) {
      expect(() => parseConfig(argv, e)).toThrow(ConfigError);
      expect(() => parseConfig(argv, e)).toThrow(message);
    }
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with half of it jittered', () => {
    const o = { initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, o, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, o, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });
});
