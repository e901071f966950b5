/**
 * A real S3 HTTP endpoint for tests and the local platform: s3rver (npm, pinned 3.7.1) in this
 * process, on a loopback port, storing objects as files under a directory. With `dataDir` the
 * objects survive a stop and a later start on the same directory (the local platform keeps its
 * data across restarts; a test can "take S3 down" and bring it back); without it a temporary
 * directory is used and removed on stop.
 *
 * SDK settings this server needs (see `clientConfig()`): path-style addressing
 * (`forcePathStyle: true`) and `requestChecksumCalculation` / `responseChecksumValidation` set
 * to `'WHEN_REQUIRED'` — with the SDK's default (WHEN_SUPPORTED, since @aws-sdk 3.729) stream
 * uploads are sent aws-chunked with a trailing checksum, which s3rver stores verbatim (corrupt
 * objects). WHEN_REQUIRED also works against AWS S3. Use the credentials given here (s3rver's
 * pair S3RVER / S3RVER); s3rver does not verify SigV4 signatures, so it cannot catch a
 * credentials mistake. Any region is accepted.
 */
import { createRequire } from 'node:module';
import type { Server, Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { createTempDir, type TempDir } from './temp-dir.js';

export interface S3ServerOptions {
  /** Keep objects here (created if missing); a later start on it sees the same objects. */
  readonly dataDir?: string;
  readonly host?: string;
  /** 0 = any free port (the default). Pass the previous port to restart on the same endpoint. */
  readonly port?: number;
  /** Buckets created at start (kept if they exist); names need 3–63 characters. */
  readonly buckets?: readonly string[];
}

/** The subset of @aws-sdk/client-s3's S3ClientConfig this endpoint needs. */
export interface S3EndpointConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly forcePathStyle: true;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requestChecksumCalculation: 'WHEN_REQUIRED';
  readonly responseChecksumValidation: 'WHEN_REQUIRED';
}

export interface S3Server {
  /** http://host:port */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Where objects are stored. */
  readonly dataDir: string;
  /** Settings for `new S3Client(...)` that work with this server. */
  clientConfig(): S3EndpointConfig;
  /** Creates a bucket directly in the store (no-op when it exists). */
  createBucket(name: string): Promise<void>;
  /** Stops serving and drops open connections (clients see resets, as in an outage). */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: Server & { closeAllConnections?: () => void };
  store: { putBucket(name: string): Promise<unknown> };
  on(event: 'error', listener: (err: unknown) => void): void;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

const ACCESS_KEY = 'S3RVER';
const REGION = 'us-east-1';

export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const host = options.host ?? '127.0.0.1';
  const temp: TempDir | undefined = options.dataDir
    ? undefined
    : await createTempDir('tributary-s3-');
  const dataDir = options.dataDir ?? temp!.path;
  await mkdir(dataDir, { recursive: true });
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    directory: dataDir,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  // Koa logs request errors to stderr by default; clients see the S3 error response anyway.
  server.on('error', () => {});
  let address: { port: number };
  try {
    address = await server.run();
  } catch (e) {
    await temp?.remove();
    throw e;
  }
  const sockets = new Set<Socket>();
  server.httpServer?.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const endpoint = `http://${host}:${address.port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const closed = server.close();
    for (const socket of sockets) socket.destroy();
    await closed;
    await temp?.remove();
  };
  return {
    endpoint,
    host,
    port: address.port,
    region: REGION,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: ACCESS_KEY,
    dataDir,
    clientConfig: () => ({
      endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    createBucket: async (name) => {
      await server.store.putBucket(name);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
