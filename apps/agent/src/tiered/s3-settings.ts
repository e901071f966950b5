/**
 * The region's S3 for tiered storage, from the agent's settings: every pool tiers closed
 * segments to this bucket under `{prefix}clusters/{clusterId}/`, and deleting a cluster
 * removes that prefix. Without a bucket, tiering is off and nothing else changes.
 *
 *   --s3-endpoint URL     TRIBUTARY_AGENT_S3_ENDPOINT    empty = AWS's endpoint for the region
 *   --s3-region NAME      TRIBUTARY_AGENT_S3_REGION      or AWS_REGION; required with a bucket
 *   --s3-bucket NAME      TRIBUTARY_AGENT_S3_BUCKET      absent = tiered storage off
 *   --s3-prefix PREFIX    TRIBUTARY_AGENT_S3_PREFIX      optional, e.g. `eu-west-1/` (ends in /)
 *   --s3-path-style BOOL  TRIBUTARY_AGENT_S3_PATH_STYLE  default false (true for S3-compatible servers)
 *
 * Credentials only from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (never flags: process
 * lists are readable); without them the AWS SDK's default chain (instance role, ...) is used.
 */
import { ConfigError } from '../config-error.js';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Settings {
  /** null = AWS's endpoint for the region. */
  endpoint: string | null;
  region: string;
  bucket: string;
  /** '' or ending in '/'; object keys are `{prefix}clusters/{clusterId}/...`. */
  prefix: string;
  pathStyle: boolean;
  /** null = the SDK's default credential chain. */
  credentials: S3Credentials | null;
}

export const S3_FLAGS: Record<string, string> = {
  '--s3-endpoint': 'TRIBUTARY_AGENT_S3_ENDPOINT',
  '--s3-region': 'TRIBUTARY_AGENT_S3_REGION',
  '--s3-bucket': 'TRIBUTARY_AGENT_S3_BUCKET',
  '--s3-prefix': 'TRIBUTARY_AGENT_S3_PREFIX',
  '--s3-path-style': 'TRIBUTARY_AGENT_S3_PATH_STYLE',
};

// S3's rules for new buckets: 3-63 characters, lower-case letters, digits, dots and hyphens,
// starting and ending with a letter or digit, no "..", not an IP address.
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
// Characters AWS lists as safe in object keys; segments must not be empty (no "//").
const PREFIX_RE = /^(?:[A-Za-z0-9!_.*'()-]+\/)*$/;
// Credentials go into a properties file (key=value per line) and SigV4 headers.
const CREDENTIAL_RE = /^[\x21-\x7e]+$/;

function endpointOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`--s3-endpoint is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`--s3-endpoint must be http:// or https://, got ${value}`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password)
    throw new ConfigError(
      `--s3-endpoint must be scheme://host[:port] only (no path, query or user info), got ${value}`,
    );
  return url.origin;
}

function credentialsOf(env: NodeJS.ProcessEnv): S3Credentials | null {
  const accessKeyId = env.AWS_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId && !secretAccessKey) return null;
  if (!accessKeyId || !secretAccessKey)
    throw new ConfigError(
      `AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (only ${accessKeyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is set)`,
    );
  if (env.AWS_SESSION_TOKEN)
    throw new ConfigError(
      'AWS_SESSION_TOKEN is not supported: brokers take a static key pair; unset the three variables to use the default credential chain (instance role)',
    );
  for (const [name, value] of [
    ['AWS_ACCESS_KEY_ID', accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', secretAccessKey],
  ])
    if (!CREDENTIAL_RE.test(value))
      throw new ConfigError(`${name} must be printable ASCII without blanks`);
  return { accessKeyId, secretAccessKey };
}

/** The S3 settings, or null when no bucket is configured (tiered storage off). */
export function parseS3Settings(
  get: (flag: string) => string | undefined,
  env: NodeJS.ProcessEnv,
): S3Settings | null {
  const bucket = get('--s3-bucket');
  if (!bucket) {
    const stray = ['--s3-endpoint', '--s3-region', '--s3-prefix', '--s3-path-style'].filter((f) =>
      get(f),
    );
    if (stray.length > 0)
      throw new ConfigError(
        `${stray.join(', ')} given without --s3-bucket (or TRIBUTARY_AGENT_S3_BUCKET); set the bucket to turn tiered storage on`,
      );
    return null;
  }
  if (!BUCKET_RE.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket))
    throw new ConfigError(
      `--s3-bucket must be a bucket name (3-63 characters: a-z, 0-9, dots, hyphens; starting and ending with a letter or digit), got "${bucket}"`,
    );
  const region = get('--s3-region') || env.AWS_REGION;
  if (!region)
    throw new ConfigError(
      '--s3-region (or TRIBUTARY_AGENT_S3_REGION, or AWS_REGION) is required with --s3-bucket',
    );
  if (!REGION_RE.test(region))
    throw new ConfigError(`--s3-region must be a region name like eu-west-1, got "${region}"`);
  const prefix = get('--s3-prefix') ?? '';
  if (prefix.length > 512 || !PREFIX_RE.test(prefix))
    throw new ConfigError(
      `--s3-prefix must be empty or path segments ending in "/" (letters, digits, ! _ . * ' ( ) -; no leading or double slash, at most 512 characters), got "${prefix}"`,
    );
  const pathStyle = get('--s3-path-style') ?? 'false';
  if (pathStyle !== 'true' && pathStyle !== 'false')
    throw new ConfigError(`--s3-path-style must be true or false, got "${pathStyle}"`);
  const endpoint = get('--s3-endpoint');
  return {
    endpoint: endpoint ? endpointOf(endpoint) : null,
    region,
    bucket,
    prefix,
    pathStyle: pathStyle === 'true',
    credentials: credentialsOf(env),
  };
}
