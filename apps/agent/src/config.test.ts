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
