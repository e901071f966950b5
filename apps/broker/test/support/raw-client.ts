/**
 * A minimal Kafka wire client for tests and the fuzzer: sends raw frames, reads
 * size-prefixed responses, and can call any API through the generated codecs.
 */
import { connect, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import {
  CODECS,
  Writer,
  decodeResponseHeader,
  encodeRequestFrame,
} from '@tributary/kafka-protocol';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiters: Array<(frame: Buffer) => void> = [];
  private received: Buffer[] = [];
  private closedPromise: Promise<void>;
  private correlation = 1;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        const w = this.waiters.shift();
        if (w) w(frame);
        else this.received.push(frame);
      }
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Over TLS; `options` carries the CA (and a client certificate when wanted). */
  static connectTls(
    port: number,
    options: ConnectionOptions = {},
    host = '127.0.0.1',
  ): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connectTls({ port, host, servername: 'localhost', ...options }, () =>
        resolve(new RawClient(s)),
      );
      s.once('error', reject);
    });
  }

  /** The socket, e.g. to read the peer certificate of a TLS connection. */
  get rawSocket(): Socket {
    return this.socket;
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Next response frame (without its size prefix), or null if the broker closed the connection. */
  next(timeoutMs = 5000): Promise<Buffer | null> {
    const ready = this.received.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response within timeout')), timeoutMs);
      this.waiters.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
      void this.closedPromise.then(() => {
        clearTimeout(timer);
        resolve(null);
      });
    });
  }

  /** Resolves when the broker closes the connection (rejects after timeoutMs). */
  waitClosed(timeoutMs = 5000): Promise<void> {
    return Promise.race([
      this.closedPromise,
      new Promise<void>((_, reject) =>
        setTimeout(() => reject(new Error('connection still open')), timeoutMs),
      ),
    ]);
  }

  frame(
    apiKey: number,
    apiVersion: number,
    body: unknown,
    clientId: string | null = 'raw-client',
  ): Buffer {
    const codec = CODECS.get(apiKey);
    if (!codec) throw new Error(`no codec for API ${apiKey}`);
    return encodeRequestFrame(
      { apiKey, apiVersion, correlationId: this.correlation++, clientId },
      (w: Writer) => codec.request.write(w, body as never, apiVersion),
    );
  }

  /** Sends one request and decodes its response. */
  async call<T>(apiKey: number, apiVersion: number, body: unknown): Promise<T> {
    this.send(this.frame(apiKey, apiVersion, body));
    const frame = await this.next();
    if (!frame) throw new Error('connection closed by broker');
    const { body: r } = decodeResponseHeader(apiKey, apiVersion, frame);
    return CODECS.get(apiKey)!.response.read(r, apiVersion) as T;
  }

  close(): void {
    this.socket.destroy();
  }
}
