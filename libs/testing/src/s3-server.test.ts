/** The S3 harness through the real AWS SDK: objects, ranges, listings, multipart, restarts. */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from './s3-server.js';
import { createTempDir, type TempDir } from './temp-dir.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function start(options: Parameters<typeof startS3Server>[0] = {}): Promise<S3Server> {
  const server = await startS3Server(options);
  cleanups.push(() => server.stop());
  return server;
}

function client(server: S3Server): S3Client {
  const c = new S3Client({ ...server.clientConfig(), maxAttempts: 1 });
  cleanups.push(async () => c.destroy());
  return c;
}

async function body(c: S3Client, bucket: string, key: string, range?: string): Promise<Buffer> {
  const r = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

describe('startS3Server', () => {
  it('serves put, get, ranged get, ordered list and delete over HTTP', async () => {
    const server = await start({ buckets: ['tiered'] });
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const c = client(server);
    const data = randomBytes(100_000);
    await c.send(new PutObjectCommand({ Bucket: 'tiered', Key: 'a/0002.log', Body: data }));
    await c.send(new PutObjectCommand({ Bucket: 'tiered', Key: 'a/0001.log', Body: 'one' }));
    await c.send(new PutObjectCommand({ Bucket: 'tiered', Key: 'b/0001.log', Body: 'other' }));

    expect((await body(c, 'tiered', 'a/0002.log')).equals(data)).toBe(true);
    const slice = await body(c, 'tiered', 'a/0002.log', 'bytes=1000-1999');
    expect(slice.equals(data.subarray(1000, 2000))).toBe(true);
    const head = await c.send(new HeadObjectCommand({ Bucket: 'tiered', Key: 'a/0002.log' }));
    expect(head.ContentLength).toBe(100_000);

    const listed = await c.send(new ListObjectsV2Command({ Bucket: 'tiered', Prefix: 'a/' }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([
      ['a/0001.log', 3],
      ['a/0002.log', 100_000],
    ]);

    await c.send(new DeleteObjectCommand({ Bucket: 'tiered', Key: 'a/0001.log' }));
    await c.send(
      new DeleteObjectsCommand({
        Bucket: 'tiered',
        Delete: { Objects: [{ Key: 'b/0001.log' }] },
      }),
    );
    const after = await c.send(new ListObjectsV2Command({ Bucket: 'tiered' }));
    expect(after.Contents?.map((o) => o.Key)).toEqual(['a/0002.log']);
    await expect(body(c, 'tiered', 'a/0001.log')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('stores stream uploads and multipart uploads intact with its client settings', async () => {
    const server = await start();
    await server.createBucket('streams');
    const c = client(server);
    const data = randomBytes(300_000);
    await c.send(
      new PutObjectCommand({
        Bucket: 'streams',
        Key: 'stream',
        Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
        ContentLength: data.length,
      }),
    );
    expect((await body(c, 'streams', 'stream')).equals(data)).toBe(true);

    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1234);
    const { UploadId } = await c.send(
      new CreateMultipartUploadCommand({ Bucket: 'streams', Key: 'multi' }),
    );
    const etags: string[] = [];
    for (const [i, part] of [part1, part2].entries()) {
      const r = await c.send(
        new UploadPartCommand({
          Bucket: 'streams',
          Key: 'multi',
          UploadId,
          PartNumber: i + 1,
          Body: part,
        }),
      );
      etags.push(r.ETag!);
    }
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'streams',
        Key: 'multi',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    expect((await body(c, 'streams', 'multi')).equals(Buffer.concat([part1, part2]))).toBe(true);
  });

  it('keeps objects in dataDir across a stop and a restart on the same port', async () => {
    const dir: TempDir = await createTempDir('tributary-s3-test-');
    cleanups.push(() => dir.remove());
    const first = await start({ dataDir: dir.path, buckets: ['keep'] });
    const c1 = client(first);
    await c1.send(new PutObjectCommand({ Bucket: 'keep', Key: 'k', Body: 'persisted' }));
    await first.stop();
    // Down: requests fail instead of hanging.
    await expect(body(c1, 'keep', 'k')).rejects.toThrow();

    const second = await start({ dataDir: dir.path, port: first.port, buckets: ['keep'] });
    expect(second.endpoint).toBe(first.endpoint);
    expect((await body(client(second), 'keep', 'k')).toString()).toBe('persisted');
  });
});
