/**
 * Helpers for the tiered-storage tests: broker flags for a real S3 endpoint, ListOffsets with
 * the KIP-405 timestamps, the remote metadata journal on disk, S3 listings, and a loopback
 * TCP proxy that can throttle uploads or stall answers.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  ApiKey,
  makeListOffsetsRequest,
  type ListOffsetsResponse,
} from '@tributary/kafka-protocol';
import type { S3Server } from '@tributary/testing';
import { RawClient } from './raw-client.js';

export const BUCKET = 'tributary-tiered';

/** Broker flags: tiered storage on the endpoint, small segments, fast passes. */
export function tieredBrokerArgs(endpoint: string, s3: S3Server, extra: string[] = []): string[] {
  const props: Record<string, string> = {
    'remote.log.storage.system.enable': 'true',
    'rsm.config.storage.s3.endpoint.url': endpoint,
    'rsm.config.storage.s3.region': s3.region,
    'rsm.config.storage.s3.bucket.name': BUCKET,
    'rsm.config.storage.s3.path.style.access.enabled': 'true',
    'rsm.config.storage.aws.access.key.id': s3.accessKeyId,
    'rsm.config.storage.aws.secret.access.key': s3.secretAccessKey,
    'rsm.config.storage.s3.api.call.timeout': '3000',
    'rsm.config.cluster.id': 'lkc-test',
    'rsm.config.fetch.chunk.size': '65536',
    'rsm.config.fetch.chunk.cache.size': '1048576',
    'rsm.config.fetch.chunk.cache.prefetch.max.size': '131072',
    'remote.log.manager.task.interval.ms': '250',
    'log.retention.check.interval.ms': '250',
    'log.segment.bytes': '65536',
    'auto.create.topics.enable': 'false',
  };
  return [...Object.entries(props).flatMap(([k, v]) => ['--set', `${k}=${v}`]), ...extra];
}

export const EARLIEST = -2;
export const EARLIEST_LOCAL = -4;
export const LATEST_TIERED = -5;

export async function listOffset(port: number, topic: string, timestamp: number): Promise<number> {
  return (await listOffsetAndTimestamp(port, topic, timestamp)).offset;
}

/** ListOffsets v9 for partition 0: the offset and the timestamp the broker answers. */
export async function listOffsetAndTimestamp(
  port: number,
  topic: string,
  timestamp: number,
): Promise<{ offset: number; timestamp: number }> {
  const c = await RawClient.connect(port);
  try {
    const res = await c.call<ListOffsetsResponse>(
      ApiKey.ListOffsets,
      9,
      makeListOffsetsRequest({
        replicaId: -1,
        topics: [
          {
            name: topic,
            partitions: [
              { partitionIndex: 0, timestamp, currentLeaderEpoch: -1, maxNumOffsets: 1 },
            ],
          },
        ],
      }),
    );
    const p = res.topics[0].partitions[0];
    if (p.errorCode !== 0) throw new Error(`ListOffsets ${timestamp}: error ${p.errorCode}`);
    return { offset: p.offset, timestamp: p.timestamp };
  } finally {
    c.close();
  }
}

export interface JournalSegment {
  uploadId: string;
  baseOffset: number;
  state: string;
  /** The journal file (one per partition). */
  file: string;
}

/** Every segment event of the partition's journal, in order (the file as the broker wrote it). */
export async function journalEvents(dataDir: string): Promise<JournalSegment[]> {
  const dir = join(dataDir, 'meta', 'remote-log-metadata');
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.journal'));
  const out: JournalSegment[] = [];
  for (const n of names) {
    for (const line of (await readFile(join(dir, n), 'utf8')).split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as { segment?: JournalSegment };
        if (e.segment) out.push({ ...e.segment, file: n });
      } catch {
        // a torn tail
      }
    }
  }
  return out;
}

/** Final state per upload id. */
export function finalStates(events: JournalSegment[]): Map<string, JournalSegment> {
  const m = new Map<string, JournalSegment>();
  for (const e of events) m.set(e.uploadId, e);
  return m;
}

export async function listKeys(s3: S3Server, prefix: string): Promise<string[]> {
  const client = new S3Client(s3.clientConfig());
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) keys.push(o.Key!);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys;
  } finally {
    client.destroy();
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | false | null | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A loopback TCP proxy to `target`: `bytesPerSecond` > 0 throttles client-to-server bytes (a
 * slow upload), stall() holds back the server's answers (a stalled S3).
 */
export class TcpProxy {
  /** Client-to-server bytes per second (0 = as fast as they come): a slow upload. */
  bytesPerSecond = 0;
  private stalled = false;
  private readonly held: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    // The connection handler runs only after listen, when `proxy` is set.
    const ref: { proxy?: TcpProxy } = {};
    const server = createServer((client) => {
      const proxy = ref.proxy;
      const upstream = connect({ port: targetPort, host: '127.0.0.1' });
      proxy!.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      upstream.on('data', (chunk: Buffer) => {
        if (proxy!.stalled) proxy!.held.push(() => client.write(chunk));
        else if (!client.write(chunk)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
      });
      client.on('data', (chunk: Buffer) => {
        const rate = proxy!.bytesPerSecond;
        if (rate <= 0) {
          if (!upstream.write(chunk)) {
            client.pause();
            upstream.once('drain', () => client.resume());
          }
          return;
        }
        client.pause();
        setTimeout(
          () => {
            upstream.write(chunk);
            client.resume();
          },
          (chunk.length / rate) * 1000,
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    ref.proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
    return ref.proxy;
  }

  /** Holds back the server's answers (a stalled S3) until resume(). */
  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    for (const send of this.held.splice(0)) send();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
