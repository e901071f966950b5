/**
 * The region's S3 for a test platform: an s3rver (startS3Server) on loopback with the bucket
 * created, and the agent environment that tiers every pool to it — the same variables
 * tools/local-platform/s3.ts hands its agent (TRIBUTARY_AGENT_S3_BUCKET / _REGION / _ENDPOINT,
 * _PATH_STYLE=true, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), plus TRIBUTARY_AGENT_S3_PREFIX
 * when a key prefix is asked for. Objects of a cluster then live under
 * `{prefix}clusters/{clusterId}/` in `bucket`.
 */
import { startS3Server, type S3Server } from './s3-server.js';

export interface PlatformS3Options {
  /** Default `tributary` (as the local platform). */
  bucket?: string;
  /** Key prefix for every pool ('' or ending in '/'); default ''. */
  prefix?: string;
}

export interface PlatformS3 {
  readonly server: S3Server;
  readonly bucket: string;
  /** '' or ending in '/'. */
  readonly prefix: string;
  /** What the agent gets in its environment. */
  readonly agentEnv: Record<string, string>;
}

export const PLATFORM_S3_BUCKET = 'tributary';

export async function startPlatformS3(o: PlatformS3Options = {}): Promise<PlatformS3> {
  const bucket = o.bucket ?? PLATFORM_S3_BUCKET;
  const prefix = o.prefix ?? '';
  const server = await startS3Server({ buckets: [bucket] });
  const agentEnv: Record<string, string> = {
    TRIBUTARY_AGENT_S3_BUCKET: bucket,
    TRIBUTARY_AGENT_S3_REGION: server.region,
    TRIBUTARY_AGENT_S3_ENDPOINT: server.endpoint,
    TRIBUTARY_AGENT_S3_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
  };
  if (prefix) agentEnv.TRIBUTARY_AGENT_S3_PREFIX = prefix;
  return { server, bucket, prefix, agentEnv };
}
