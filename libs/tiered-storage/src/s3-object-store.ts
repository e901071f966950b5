/**
 * ObjectStore over the S3 HTTP API (@aws-sdk/client-s3): AWS S3 or an S3-compatible server
 * (path-style addressing for those). Checksums are computed and validated only when an
 * operation requires them (WHEN_REQUIRED): that works with AWS S3 and with servers that do
 * not understand the SDK's default aws-chunked trailing checksums (s3rver stores such
 * uploads corrupted). Requests time out, so an unreachable endpoint fails a copy instead of
 * hanging it; the SDK retries each request a few times, the uploader retries later.
 * GET bodies are read straight into one buffer of the known length (the SDK's
 * transformToByteArray collects and concatenates, and Buffer.from copies again: two extra
 * copies of every byte read, which showed up as a tenth of the broker's CPU in catch-up reads).
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
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
  /** Keys per LIST page (S3's maximum and default is 1000; tests page with fewer). */
  listPageSize?: number;
}

const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly listPageSize: number;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.listPageSize = settings.listPageSize ?? 1000;
    this.client = new S3Client({
      endpoint: settings.endpoint || undefined,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // A copy: the SDK writes into the credentials object it is given.
      credentials: settings.credentials && { ...settings.credentials },
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

  async getRange(key: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const r = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
      { abortSignal: signal },
    );
    return readBody(r.Body as Readable, end - start, `${key} [${start}, ${end})`);
  }

  async get(key: string): Promise<Buffer> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return readBody(r.Body as Readable, r.ContentLength ?? -1, key);
  }

  /**
   * Pages with ListObjects (v1) and a Marker (the last key seen), which AWS serves as well as
   * v2: s3rver builds v2 continuation tokens with DES, which Node 20's OpenSSL 3 lacks, so a
   * truncated v2 listing fails there with HTTP 500.
   */
  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let marker: string | undefined;
    for (;;) {
      const r = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          Marker: marker,
          MaxKeys: this.listPageSize,
        }),
      );
      const page = r.Contents ?? [];
      for (const o of page) out.push({ key: o.Key!, size: o.Size ?? 0 });
      if (!r.IsTruncated || page.length === 0) return out;
      marker = page[page.length - 1].Key;
    }
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

/** The whole body, which must be `size` bytes (-1: unknown, collected as it comes). */
async function readBody(body: Readable, size: number, what: string): Promise<Buffer> {
  if (size < 0) {
    const parts: Buffer[] = [];
    for await (const c of body) parts.push(c as Buffer);
    return Buffer.concat(parts);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  try {
    for await (const c of body) {
      const chunk = c as Buffer;
      if (at + chunk.length > size) throw new Error(`long read of ${what}`);
      chunk.copy(out, at);
      at += chunk.length;
    }
  } catch (err) {
    body.destroy();
    throw err;
  }
  if (at !== size) throw new Error(`short read of ${what}: ${at} bytes`);
  return out;
}
