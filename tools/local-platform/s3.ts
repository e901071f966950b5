/**
 * The local platform's S3 for tiered storage: s3rver (startS3Server from libs/testing) in the
 * launcher's process, objects under `<data>/s3`, bucket `tributary`. Its port is kept in
 * `<data>/s3-port` and reused on the next start: the agent's S3 settings (and so the brokers'
 * configuration) then stay the same across restarts. Returns the agent's environment for it
 * (TRIBUTARY_AGENT_S3_*, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startS3Server, type S3Server } from '@tributary/testing';

export const LOCAL_BUCKET = 'tributary';

export interface LocalS3 {
  server: S3Server;
  agentEnv: Record<string, string>;
}

export async function startLocalS3(dataDir: string): Promise<LocalS3> {
  const portFile = join(dataDir, 's3-port');
  const previous = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8').trim()) : 0;
  const start = (port: number) =>
    startS3Server({ dataDir: join(dataDir, 's3'), port, buckets: [LOCAL_BUCKET] });
  let server: S3Server;
  try {
    server = await start(Number.isInteger(previous) ? previous : 0);
  } catch (e) {
    if (!previous) throw e;
    // The old port is taken now: a new one (the agent then restarts brokers with it).
    server = await start(0);
  }
  writeFileSync(portFile, `${server.port}\n`);
  return {
    server,
    agentEnv: {
      TRIBUTARY_AGENT_S3_BUCKET: LOCAL_BUCKET,
      TRIBUTARY_AGENT_S3_REGION: server.region,
      TRIBUTARY_AGENT_S3_ENDPOINT: server.endpoint,
      TRIBUTARY_AGENT_S3_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    },
  };
}
