/**
 * One client connection: splits the byte stream into frames, dispatches each request to its
 * handler as soon as it arrives, and writes responses strictly in request order.
 *
 * Concurrency model: requests of one connection are *started* in arrival order, synchronously
 * up to their first await (so produce requests append in order), and may complete out of
 * order; `pending` holds their results until every earlier response has been written. When
 * too many responses are pending or the socket's write buffer is full, reading pauses, which
 * bounds the memory one connection can hold.
 *
 * Conditions that close the connection (as Kafka does): a frame larger than
 * socket.request.max.bytes (sasl.server.max.receive.size before SASL authentication) or with a
 * negative size, an unparseable header or body, an unknown API key, an unsupported version of
 * any API but ApiVersions, a handler crash, and on SASL listeners any request the SASL session
 * does not admit (see security/sasl/sasl-session.ts: before authentication only ApiVersions,
 * SaslHandshake and SaslAuthenticate; an expired session). After SaslHandshake v0 the next
 * frames are raw SASL tokens, answered with raw size-prefixed tokens.
 */
import type { Socket } from 'node:net';
import {
  ApiKey,
  DecodeError,
  ErrorCode,
  Writer,
  decodeRequestHeader,
  encodeResponseFrame,
  makeApiVersionsResponse,
  writeApiVersionsResponse,
} from '@tributary/kafka-protocol';
import { type AnyHandler, NO_RESPONSE, type RequestContext } from '../api/handler.js';
import { supportedApiVersions } from '../api/supported-versions.js';
import type { BrokerContext } from '../context.js';
import { isSasl, type ListenerConfig } from '../config/listeners.js';
import type { MemoryLimit } from '../memory/memory-limit.js';
import type { SaslSession } from '../security/sasl/sasl-session.js';
import type { ConnectionInfo } from './connection-info.js';

const MAX_PENDING = 64;

interface Pending {
  done: boolean;
  frames: Buffer[] | null;
  /** Bytes of the request frame, counted against queued.max.request.bytes until answered. */
  requestBytes: number;
  /** Run once the response is handed to the socket (or the connection is gone). */
  written: Array<() => void>;
}

export class Connection {
  readonly info: ConnectionInfo;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly pending: Pending[] = [];
  private closed = false;
  private paused = false;
  private readonly aborter = new AbortController();
  private readonly writing = new Set<Pending>();
  private mutedUntil = 0;
  private muteTimer: NodeJS.Timeout | undefined;
  /** SASL state on SASL listeners, null elsewhere. */
  private readonly sasl: SaslSession | null;

  constructor(
    private readonly socket: Socket,
    id: number,
    listener: ListenerConfig,
    private readonly broker: BrokerContext,
    private readonly maxRequestBytes: number,
    private readonly requestMemory: MemoryLimit,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.info = {
      id,
      listener,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      principal: 'User:ANONYMOUS',
      authenticated: !isSasl(listener.protocol),
    };
    this.sasl = isSasl(listener.protocol)
      ? broker.sasl.open(this.info, { close: () => this.close(), mute: (ms) => this.mute(ms) })
      : null;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.closed && this.buffered >= 4) {
      const size = this.peekSize();
      const saslLimit = this.sasl?.maxReceiveBytes ?? null;
      const limit =
        saslLimit === null ? this.maxRequestBytes : Math.min(saslLimit, this.maxRequestBytes);
      if (size < 0 || size > limit) {
        const setting =
          limit === this.maxRequestBytes
            ? 'socket.request.max.bytes'
            : 'sasl.server.max.receive.size';
        this.broker.log.warn(
          `connection ${this.info.id} from ${this.info.remoteAddress}: frame of ${size} bytes exceeds ${setting} (${limit}); closing`,
        );
        this.close();
        return;
      }
      if (this.buffered < 4 + size) return;
      const frame = this.take(4 + size).subarray(4);
      this.dispatch(frame);
    }
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 8));
    return head.readInt32BE(0);
  }

  /** Removes and returns the first n buffered bytes (copying only when they span chunks). */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const want = n - filled;
      if (c.length <= want) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, want);
        this.chunks[0] = c.subarray(want);
        filled += want;
      }
    }
    this.buffered -= n;
    return out;
  }

  private dispatch(frame: Buffer): void {
    if (this.sasl?.expectsRawToken) {
      this.dispatchRawSaslToken(this.sasl, frame);
      return;
    }
    const entry: Pending = { done: false, frames: null, requestBytes: frame.length, written: [] };
    let apiKey: number;
    let version: number;
    let correlationId: number;
    let handler: AnyHandler | undefined;
    let request: unknown;
    let ctx: RequestContext;
    try {
      const { header, body } = decodeRequestHeader(frame);
      apiKey = header.requestApiKey;
      version = header.requestApiVersion;
      correlationId = header.correlationId;
      const refused = this.sasl?.admit(apiKey) ?? null;
      if (refused !== null) {
        this.broker.log.info(
          `connection ${this.info.id} from ${this.info.remoteAddress} (${this.info.listener.name}): ${refused}; closing`,
        );
        this.close();
        return;
      }
      handler = this.broker.handlers.get(apiKey);
      if (!handler) {
        this.broker.log.warn(`connection ${this.info.id}: unknown API key ${apiKey}; closing`);
        this.close();
        return;
      }
      if (version < handler.minVersion || version > handler.maxVersion) {
        if (apiKey === ApiKey.ApiVersions) {
          this.enqueue(entry, Promise.resolve(this.unsupportedApiVersions(correlationId)));
          return;
        }
        this.broker.log.warn(
          `connection ${this.info.id}: unsupported version ${version} of API ${apiKey}; closing`,
        );
        this.close();
        return;
      }
      request = handler.readRequest(body, version);
      ctx = {
        broker: this.broker,
        connection: this.info,
        apiVersion: version,
        correlationId,
        clientId: header.clientId,
        signal: this.aborter.signal,
        onResponseWritten: (cb) => entry.written.push(cb),
        muteAfterResponse: (ms) => entry.written.push(() => this.mute(ms)),
      };
    } catch (err) {
      if (err instanceof DecodeError || err instanceof RangeError) {
        this.broker.log.warn(
          `connection ${this.info.id}: malformed request (${err.message}); closing`,
        );
      } else {
        this.broker.log.error(`connection ${this.info.id}: ${(err as Error).stack ?? String(err)}`);
      }
      this.close();
      return;
    }
    const h = handler;
    const run = async (): Promise<Buffer[] | null> => {
      const response = await h.handle(request, ctx);
      if (response === NO_RESPONSE) return null;
      return encodeResponseFrame(apiKey, version, correlationId, (w) =>
        h.writeResponse(w, response, version),
      );
    };
    let started: Promise<Buffer[] | null>;
    try {
      // handle() runs synchronously up to its first await, in arrival order.
      started = run();
    } catch (err) {
      started = Promise.reject(err);
    }
    this.enqueue(entry, started, apiKey);
  }

  /** Legacy SASL flow (after SaslHandshake v0): a raw token in, a raw token out, in order. */
  private dispatchRawSaslToken(session: SaslSession, token: Buffer): void {
    const entry: Pending = { done: false, frames: null, requestBytes: token.length, written: [] };
    const answered = session.rawToken(token, this.aborter.signal).then((reply) => {
      if (reply === null) {
        entry.written.push(() => this.close());
        return [];
      }
      const size = Buffer.allocUnsafe(4);
      size.writeInt32BE(reply.length, 0);
      return [size, reply];
    });
    this.enqueue(entry, answered);
  }

  /** ApiVersions at a version we do not serve: a v0 body with UNSUPPORTED_VERSION and our ranges. */
  private unsupportedApiVersions(correlationId: number): Buffer[] {
    const body = makeApiVersionsResponse({
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: supportedApiVersions(this.broker.handlers),
    });
    return encodeResponseFrame(ApiKey.ApiVersions, 0, correlationId, (w: Writer) =>
      writeApiVersionsResponse(w, body, 0),
    );
  }

  private enqueue(entry: Pending, result: Promise<Buffer[] | null>, apiKey = -1): void {
    this.pending.push(entry);
    this.requestMemory.add(entry.requestBytes);
    if (this.pending.length >= MAX_PENDING) this.pause();
    if (this.requestMemory.exhausted) this.waitForRequestMemory();
    result.then(
      (frames) => {
        entry.done = true;
        entry.frames = frames;
        if (this.closed) this.settle(entry);
        else this.flushResponses();
      },
      (err: unknown) => {
        entry.done = true;
        this.broker.log.error(
          `connection ${this.info.id}: handler for API ${apiKey} failed: ${(err as Error)?.stack ?? String(err)}`,
        );
        this.settle(entry);
        this.close();
      },
    );
  }

  private flushResponses(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.pending.length > 0 && this.pending[0].done) {
      const entry = this.pending.shift()!;
      if (entry.frames && entry.frames.length > 0) {
        if (!wrote) this.socket.cork();
        wrote = true;
        const last = entry.frames.length - 1;
        this.writing.add(entry);
        entry.frames.forEach((f, i) => {
          if (i < last) this.socket.write(f);
          else this.socket.write(f, () => this.settle(entry));
        });
      } else {
        this.settle(entry);
      }
    }
    if (wrote) this.socket.uncork();
    this.maybeResume();
  }

  /** The response left (or can no longer leave): give back what the request held. */
  private settle(entry: Pending): void {
    this.writing.delete(entry);
    if (entry.requestBytes < 0) return;
    this.requestMemory.sub(entry.requestBytes);
    entry.requestBytes = -1;
    for (const cb of entry.written) cb();
    entry.written = [];
  }

  /** queued.max.request.bytes reached: stop reading until answered requests free memory. */
  private waitForRequestMemory(): void {
    this.pause();
    void this.requestMemory.whenAvailable(this.aborter.signal).then(() => this.maybeResume());
  }

  /**
   * Quota throttling the Kafka way (KIP-219): the response carries throttle_time_ms and the
   * broker stops reading from the connection for that long.
   */
  mute(ms: number): void {
    if (ms <= 0 || this.closed) return;
    this.mutedUntil = Math.max(this.mutedUntil, Date.now() + ms);
    this.pause();
    clearTimeout(this.muteTimer);
    const wake = (): void => {
      const left = this.mutedUntil - Date.now();
      // Timers can fire a millisecond or two early against Date.now(): wait out the rest,
      // or maybeResume() would return while muted and nothing would ever resume reading.
      if (left > 0) this.muteTimer = setTimeout(wake, left).unref();
      else this.maybeResume();
    };
    this.muteTimer = setTimeout(wake, this.mutedUntil - Date.now()).unref();
  }

  private pause(): void {
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (Date.now() < this.mutedUntil) return;
    if (this.socket.writableNeedDrain) {
      this.pause();
      return;
    }
    if (this.requestMemory.exhausted) {
      this.waitForRequestMemory();
      return;
    }
    if (this.paused && this.pending.length < MAX_PENDING / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Stops reading; lets pending responses drain for up to `graceMs`, then closes. */
  async shutdown(graceMs: number): Promise<void> {
    this.socket.pause();
    const deadline = Date.now() + graceMs;
    while (!this.closed && this.pending.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    this.socket.end();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.muteTimer);
    this.sasl?.dispose();
    this.aborter.abort();
    // Handlers still running settle when they finish; finished or half-written ones now.
    for (const entry of this.pending) if (entry.done) this.settle(entry);
    for (const entry of this.writing) this.settle(entry);
    this.chunks = [];
    this.buffered = 0;
    this.socket.destroy();
    this.onClose(this);
  }
}
