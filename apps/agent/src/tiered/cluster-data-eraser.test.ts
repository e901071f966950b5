/**
 * ClusterDataEraser against a real S3 HTTP server (s3rver): pages through a cluster's prefix
 * until it is empty and touches nothing else (not even a cluster whose id starts the same);
 * with S3 down it fails with a message, backs off, and finishes once S3 is back.
 */
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createTempDir, startS3Server, type S3Server, type TempDir } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { ClusterDataEraseError, ClusterDataEraser } from './cluster-data-eraser.js';
import type { S3Settings } from './s3-settings.js';

const BUCKET = 'tributary-erase';
let dir: TempDir;
let s3: S3Server;
let client: S3Client;
let eraser: ClusterDataEraser;

async function keys(prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    out.push(...(r.Contents ?? []).map((o) => o.Key!));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
}

async function put(key: string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from(key) }));
}

beforeAll(async () => {
  dir = await createTempDir('agent-erase-s3-');
  s3 = await startS3Server({ dataDir: dir.path, buckets: [BUCKET] });
  client = new S3Client(s3.clientConfig());
  const settings: S3Settings = {
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: BUCKET,
    prefix: 'region-a/',
    pathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
  eraser = new ClusterDataEraser({
    s3: settings,
    log: createLogger('error', 'eraser-test'),
    pageSize: 7,
    retry: { initialMs: 400, maxMs: 400 },
    requestTimeoutMs: 2000,
  });
});

afterAll(async () => {
  eraser?.close();
  client?.destroy();
  await s3?.stop();
  await dir?.remove();
});

describe('ClusterDataEraser', () => {
  it("deletes every object under the cluster's prefix, page by page, and nothing else", async () => {
    const mine = Array.from(
      { length: 23 },
      (_, i) =>
        `region-a/clusters/lkc-a/topics/t${i % 3}/0000000000/${String(i).padStart(20, '0')}-u.log`,
    );
    const others = [
      'region-a/clusters/lkc-ab/topics/t/0000000000/00000000000000000000-u.log',
      'region-b/clusters/lkc-a/topics/t/0000000000/00000000000000000000-u.log',
      'clusters/lkc-a/topics/t/0000000000/00000000000000000000-u.log',
    ];
    for (const k of [...mine, ...others]) await put(k);
    expect(await eraser.erase('lkc-a')).toBe(23);
    expect(await keys('region-a/clusters/lkc-a/')).toEqual([]);
    expect(await keys()).toEqual([...others].sort());
    // Already empty: nothing to do, still success.
    expect(await eraser.erase('lkc-a')).toBe(0);
    expect(eraser.location('lkc-a')).toBe(`s3://${BUCKET}/region-a/clusters/lkc-a/`);
  });

  it('fails with a message while S3 is down, backs off, and finishes once S3 is back', async () => {
    for (let i = 0; i < 10; i++)
      await put(
        `region-a/clusters/lkc-down/topics/t/0000000000/${String(i).padStart(20, '0')}-u.log`,
      );
    const port = s3.port;
    await s3.stop();
    const error = await eraser.erase('lkc-down').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterDataEraseError);
    expect((error as Error).message).toMatch(
      /^S3 data of the cluster not deleted yet \(s3:\/\/tributary-erase\/region-a\/clusters\/lkc-down\/\): .*ECONNREFUSED/,
    );
    // Within the back-off: the last failure again, without a request.
    const started = Date.now();
    await expect(eraser.erase('lkc-down')).rejects.toThrow(/\(attempt 2 in \d+ ms\)/);
    expect(Date.now() - started).toBeLessThan(100);
    s3 = await startS3Server({ dataDir: dir.path, port, buckets: [BUCKET] });
    await new Promise((r) => setTimeout(r, 450));
    expect(await eraser.erase('lkc-down')).toBe(10);
    expect(await keys('region-a/clusters/lkc-down/')).toEqual([]);
    expect((await keys()).length).toBe(3);
  });
});
