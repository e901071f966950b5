/**
 * A loopback TCP proxy for golden-bytes capture: forwards client connections to a broker frame
 * by frame, records every frame in both directions, and pairs each response with its request's
 * API key and version through the correlation id (a response header carries only that id).
 *
 * Headers are parsed by hand here, not with the codecs under test: the request header starts
 * with api_key int16, api_version int16, correlation_id int32, client_id nullable int16 string in
 * every header version; every response header starts with correlation_id int32.
 *
 * With a version cap set, ApiVersions responses are rewritten so that clients negotiate at most
 * the capped versions. The recorded frame is always the broker's original.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Reader } from '@tributary/kafka-protocol';
import { Writer } from '@tributary/kafka-protocol';
import { ApiKey } from '@tributary/kafka-protocol';
import { readApiVersionsResponse, writeApiVersionsResponse } from '@tributary/kafka-protocol';
import type { Direction } from '../../libs/kafka-protocol/golden/fixtures.js';

export interface CapturedFrame {
  /** The proxy's label when the connection was accepted: which client session opened it. */
  label: string;
  connection: number;
  direction: Direction;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Client id from the request header (also set on the paired response). */
  clientId: string | null;
  /** The frame as the broker received or sent it, without the int32 size prefix. */
  bytes: Buffer;
}

export interface RecordingProxy {
  readonly port: number;
  /** "127.0.0.1:port" for clients. */
  bootstrap(): string;
  readonly frames: CapturedFrame[];
  /** Labels connections accepted from now on; an empty label records nothing. */
  setLabel(label: string): void;
  /** Highest version per API key that clients may see; undefined: pass ApiVersions through. */
  setVersionCap(cap: ReadonlyMap<number, number> | undefined): void;
  /** Connections still open, so a session can wait for its clients to hang up. */
  openConnections(): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const UNSUPPORTED_VERSION = 35;

/** Splits a byte stream into size-prefixed frames without quadratic copying. */
class FrameSplitter {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.length < 4) break;
      const head = this.chunks.length === 1 ? this.chunks[0] : this.flatten();
      const size = head.readInt32BE(0);
      if (size < 0) throw new Error(`negative frame size ${size}`);
      if (this.length < 4 + size) break;
      const all = this.flatten();
      frames.push(Buffer.from(all.subarray(4, 4 + size)));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.length = rest.length;
    }
    return frames;
  }

  private flatten(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0];
  }
}

function withSize(frame: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length, 0);
  return Buffer.concat([size, frame]);
}

function readClientId(frame: Buffer): string | null {
  const length = frame.readInt16BE(8);
  return length < 0 ? null : frame.toString('utf8', 10, 10 + length);
}

/**
 * The ApiVersions response the client sees under a cap: entries clamped to the cap, keys the
 * cap does not know (or whose minimum is above it) removed. A request above the capped
 * ApiVersions version gets the protocol's own answer, a v0 UNSUPPORTED_VERSION body listing the
 * supported ApiVersions range, and the client retries lower.
 */
export function capApiVersionsResponse(
  frame: Buffer,
  version: number,
  cap: ReadonlyMap<number, number>,
): Buffer {
  const correlationId = frame.readInt32BE(0);
  const ownMax = cap.get(ApiKey.ApiVersions) ?? 0;
  const w = new Writer();
  w.int32(correlationId); // response header v0, always, for ApiVersions
  if (version > ownMax) {
    w.int16(UNSUPPORTED_VERSION);
    w.int32(1);
    w.int16(ApiKey.ApiVersions);
    w.int16(0);
    w.int16(ownMax);
    return w.toBuffer();
  }
  if (frame.readInt16BE(4) !== 0) return frame; // the broker's own error answer: pass it on
  const r = new Reader(frame);
  r.int32();
  const body = readApiVersionsResponse(r, version);
  body.apiKeys = body.apiKeys.flatMap((k) => {
    const max = cap.get(k.apiKey);
    if (max === undefined || k.minVersion > max) return [];
    return [{ ...k, maxVersion: Math.min(k.maxVersion, max) }];
  });
  writeApiVersionsResponse(w, body, version);
  return w.toBuffer();
}

export async function startRecordingProxy(targetPort: number): Promise<RecordingProxy> {
  const frames: CapturedFrame[] = [];
  const sockets = new Set<Socket>();
  let label = '';
  let cap: ReadonlyMap<number, number> | undefined;
  let nextConnection = 0;

  const server: Server = createServer((client) => {
    const connection = nextConnection++;
    const connLabel = label;
    const upstream = connect({ port: targetPort, host: HOST });
    sockets.add(client).add(upstream);
    const inFlight = new Map<
      number,
      { apiKey: number; apiVersion: number; clientId: string | null }
    >();
    const fromClient = new FrameSplitter();
    const fromBroker = new FrameSplitter();
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };

    client.on('data', (chunk: Buffer) => {
      let parsed: Buffer[];
      try {
        parsed = fromClient.push(chunk);
      } catch {
        end();
        return;
      }
      for (const frame of parsed) {
        const apiKey = frame.readInt16BE(0);
        const apiVersion = frame.readInt16BE(2);
        const correlationId = frame.readInt32BE(4);
        const clientId = readClientId(frame);
        inFlight.set(correlationId, { apiKey, apiVersion, clientId });
        if (connLabel !== '') {
          frames.push({
            label: connLabel,
            connection,
            direction: 'request',
            apiKey,
            apiVersion,
            correlationId,
            clientId,
            bytes: frame,
          });
        }
        upstream.write(withSize(frame));
      }
    });

    upstream.on('data', (chunk: Buffer) => {
      let parsed: Buffer[];
      try {
        parsed = fromBroker.push(chunk);
      } catch {
        end();
        return;
      }
      for (const frame of parsed) {
        const correlationId = frame.readInt32BE(0);
        const request = inFlight.get(correlationId);
        inFlight.delete(correlationId);
        if (request !== undefined && connLabel !== '') {
          frames.push({
            label: connLabel,
            connection,
            direction: 'response',
            ...request,
            correlationId,
            bytes: frame,
          });
        }
        const out =
          cap !== undefined && request?.apiKey === ApiKey.ApiVersions
            ? capApiVersionsResponse(frame, request.apiVersion, cap)
            : frame;
        client.write(withSize(out));
      }
    });

    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });

  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('proxy has no address');
  return {
    port: addr.port,
    bootstrap: () => `${HOST}:${addr.port}`,
    frames,
    setLabel: (l) => {
      label = l;
    },
    setVersionCap: (c) => {
      cap = c;
    },
    openConnections: () => sockets.size / 2,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
