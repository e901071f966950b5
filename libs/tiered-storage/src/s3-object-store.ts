/**
 * ObjectStore over the S3 HTTP API (@aws-sdk/client-s3): AWS S3 or an S3-compatible server
 * (path-style addressing for those). Checksums are computed and validated only when an
 * operation requires them (WHEN_REQUIRED): that works with AWS S3 and with servers that do
 * not understand the SDK's default aws-chunked trailing checksums (s3rver stores such
 * uploads corrupted). Requests time out, so an unreachable endpoint fails a copy instead of
 * hanging it; the SDK retries each request a few times, the uploader retries later.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';

export interface S3Settings {
  /** e.g. http://127.0.0.1:9000; absent = AWS's endpoint for the region. */
  endpoint?: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  /** Absent = the SDK's default credential chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Per-request socket timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** SDK attempts per request (default 3). */
  maxAttempts?: number;
}

const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      endpoint: settings.endpoint || undefined,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: settings.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: 5_000,
        requestTimeout: settings.requestTimeoutMs ?? 30_000,
      },
    });
  }

  async put(key: string, body: ObjectBody): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: Buffer.isBuffer(body) ? body : body.stream(),
        ContentLength: Buffer.isBuffer(body) ? body.length : body.size,
      }),
    );
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const r = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
    );
    const bytes = Buffer.from(await r.Body!.transformToByteArray());
    if (bytes.length !== end - start) {
      throw new Error(`short read of ${key} [${start}, ${end}): ${bytes.length} bytes`);
    }
    return bytes;
  }

  async get(key: string): Promise<Buffer> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await r.Body!.transformToByteArray());
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const r = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = (r.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        throw new Error(`deleting ${failed[0].Key} failed: ${failed[0].Code} ${failed[0].Message}`);
      }
    }
  }

  close(): void {
    this.client.destroy();
  }
}
