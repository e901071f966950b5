/**
 * The agent's configuration: command-line flags, each with an environment variable as
 * fallback (flags win). The agent token is never a flag (process lists are readable): it
 * comes from TRIBUTARY_AGENT_TOKEN or the file --agent-token-file names.
 *
 *   --control-plane-url URL   TRIBUTARY_CONTROL_PLANE_URL      (required)
 *   --agent-token-file FILE   TRIBUTARY_AGENT_TOKEN_FILE, or TRIBUTARY_AGENT_TOKEN (required)
 *   --data-root DIR           TRIBUTARY_AGENT_DATA_ROOT        default .data/agent
 *   --driver NAME             TRIBUTARY_AGENT_DRIVER           default process
 *   --broker-entry FILE       TRIBUTARY_BROKER_ENTRY           default <repo>/apps/broker/dist/main.js
 *   --port-range MIN-MAX      TRIBUTARY_AGENT_PORT_RANGE       default 19092-19999
 *   --poll-wait-ms MS         TRIBUTARY_AGENT_POLL_WAIT_MS     default 25000 (max 30000)
 *   --resync-ms MS            TRIBUTARY_AGENT_RESYNC_MS        default 5000
 *   --usage-interval-ms MS    TRIBUTARY_AGENT_USAGE_INTERVAL_MS default 10000
 *   --log-level LEVEL         TRIBUTARY_LOG_LEVEL              default info
 *   --kubernetes-options FILE TRIBUTARY_AGENT_KUBERNETES_OPTIONS (driver kubernetes: render options JSON)
 *   --kubeconfig FILE         TRIBUTARY_AGENT_KUBECONFIG       (driver kubernetes; default in-cluster)
 *   --s3-endpoint, --s3-region, --s3-bucket, --s3-prefix, --s3-path-style: the region's S3
 *                             for tiered storage (tiered/s3-settings.ts; off without a bucket)
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_DESIRED_STATE_WAIT_MS } from '@tributary/contracts';
import { ConfigError } from './config-error.js';
import type { LogLevel } from './log.js';
import { parsePortRange, type PortRange } from './drivers/process/ports.js';
import { parseS3Settings, S3_FLAGS, type S3Settings } from './tiered/s3-settings.js';

export { ConfigError };

export interface AgentConfig {
  controlPlaneUrl: string;
  agentToken: string;
  dataRoot: string;
  driver: 'process' | 'kubernetes';
  /** Driver kubernetes: the render options file, and a kubeconfig (null = in-cluster). */
  kubernetesOptionsFile: string | null;
  kubeconfigFile: string | null;
  brokerEntry: string;
  portRange: PortRange;
  pollWaitMs: number;
  resyncMs: number;
  usageIntervalMs: number;
  logLevel: LogLevel;
  /** The region's S3 for tiered storage; null = tiered storage off. */
  s3: S3Settings | null;
}

export const USAGE =
  'usage: tributary-agent --control-plane-url URL [--agent-token-file FILE] [--data-root DIR] [--driver process|kubernetes] [--kubernetes-options FILE] [--kubeconfig FILE] [--broker-entry FILE] [--port-range MIN-MAX] [--poll-wait-ms MS] [--resync-ms MS] [--usage-interval-ms MS] [--log-level debug|info|warn|error] [--s3-bucket NAME --s3-region NAME [--s3-endpoint URL] [--s3-prefix PREFIX/] [--s3-path-style true|false]]';

const FLAGS: Record<string, string> = {
  '--control-plane-url': 'TRIBUTARY_CONTROL_PLANE_URL',
  '--agent-token-file': 'TRIBUTARY_AGENT_TOKEN_FILE',
  '--data-root': 'TRIBUTARY_AGENT_DATA_ROOT',
  '--driver': 'TRIBUTARY_AGENT_DRIVER',
  '--broker-entry': 'TRIBUTARY_BROKER_ENTRY',
  '--port-range': 'TRIBUTARY_AGENT_PORT_RANGE',
  '--poll-wait-ms': 'TRIBUTARY_AGENT_POLL_WAIT_MS',
  '--resync-ms': 'TRIBUTARY_AGENT_RESYNC_MS',
  '--usage-interval-ms': 'TRIBUTARY_AGENT_USAGE_INTERVAL_MS',
  '--log-level': 'TRIBUTARY_LOG_LEVEL',
  '--kubernetes-options': 'TRIBUTARY_AGENT_KUBERNETES_OPTIONS',
  '--kubeconfig': 'TRIBUTARY_AGENT_KUBECONFIG',
  ...S3_FLAGS,
};

/** apps/broker/dist/main.js, from apps/agent/src (source) or apps/agent/dist (bundle). */
export function defaultBrokerEntry(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../broker/dist/main.js');
}

function millis(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!(flag in FLAGS)) throw new ConfigError(`unknown argument ${flag}`);
    const value = argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    given.set(flag, value);
  }
  const get = (flag: string): string | undefined => given.get(flag) ?? env[FLAGS[flag]];

  const url = get('--control-plane-url');
  if (!url)
    throw new ConfigError('--control-plane-url (or TRIBUTARY_CONTROL_PLANE_URL) is required');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new ConfigError(`--control-plane-url is not a URL: ${url}`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:')
    throw new ConfigError('--control-plane-url must be http:// or https://');

  const tokenFile = get('--agent-token-file');
  let token: string | undefined;
  if (tokenFile) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(
        `--agent-token-file: cannot read ${tokenFile}: ${(err as Error).message}`,
      );
    }
  } else {
    token = env.TRIBUTARY_AGENT_TOKEN;
  }
  if (!token)
    throw new ConfigError(
      'an agent token is required (TRIBUTARY_AGENT_TOKEN or --agent-token-file)',
    );
  if (token.length < 16) throw new ConfigError('the agent token is shorter than 16 characters');

  const driver = get('--driver') ?? 'process';
  if (driver !== 'process' && driver !== 'kubernetes')
    throw new ConfigError(`--driver must be process or kubernetes, got "${driver}"`);
  const kubernetesOptionsFile = get('--kubernetes-options') ?? null;
  if (driver === 'kubernetes' && !kubernetesOptionsFile)
    throw new ConfigError(
      '--driver kubernetes needs --kubernetes-options (or TRIBUTARY_AGENT_KUBERNETES_OPTIONS)',
    );
  const logLevel = (get('--log-level') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    throw new ConfigError(`--log-level must be debug, info, warn or error, got "${logLevel}"`);
  let portRange: PortRange;
  try {
    portRange = parsePortRange(get('--port-range') ?? '19092-19999');
  } catch (err) {
    throw new ConfigError(`--port-range: ${(err as Error).message}`);
  }
  return {
    controlPlaneUrl: parsedUrl.toString(),
    agentToken: token,
    dataRoot: resolve(get('--data-root') ?? '.data/agent'),
    driver,
    kubernetesOptionsFile: kubernetesOptionsFile && resolve(kubernetesOptionsFile),
    kubeconfigFile: get('--kubeconfig') ? resolve(get('--kubeconfig') as string) : null,
    brokerEntry: resolve(get('--broker-entry') ?? defaultBrokerEntry()),
    portRange,
    pollWaitMs: millis(
      get('--poll-wait-ms') ?? '25000',
      '--poll-wait-ms',
      0,
      MAX_DESIRED_STATE_WAIT_MS,
    ),
    resyncMs: millis(get('--resync-ms') ?? '5000', '--resync-ms', 100, 3_600_000),
    usageIntervalMs: millis(
      get('--usage-interval-ms') ?? '10000',
      '--usage-interval-ms',
      100,
      3_600_000,
    ),
    logLevel,
    s3: parseS3Settings(get, env),
  };
}
