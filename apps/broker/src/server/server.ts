/**
 * One Kafka listener: accepts connections, closes idle ones, shuts down gracefully. The
 * broker runs one per configured listener; they share the request-memory ceiling.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { ListenerConfig } from '../config/listeners.js';
import { isTls } from '../config/listeners.js';
import type { BrokerContext } from '../context.js';
import type { MemoryLimit } from '../memory/memory-limit.js';
import { Connection } from './connection.js';

export interface ServerOptions {
  listener: ListenerConfig;
  maxRequestBytes: number;
  idleTimeoutMs: number;
  /** queued.max.request.bytes: request bytes read but not yet answered, over all listeners. */
  requestMemory: MemoryLimit;
  /** Connection ids are unique across listeners. */
  nextConnectionId: () => number;
}

export class KafkaServer {
  private readonly server: NetServer;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly broker: BrokerContext,
    private readonly options: ServerOptions,
  ) {
    if (isTls(options.listener.protocol)) {
      throw new Error(`listener ${options.listener.name}: TLS listeners are not available yet`);
    }
    this.server = createServer((socket) => this.accept(socket));
  }

  private accept(socket: Socket): void {
    const conn = new Connection(
      socket,
      this.options.nextConnectionId(),
      this.options.listener,
      this.broker,
      this.options.maxRequestBytes,
      this.options.requestMemory,
      (c) => {
        this.connections.delete(c);
        this.broker.connections.remove(c);
      },
    );
    this.connections.add(conn);
    this.broker.connections.add(conn);
    if (this.options.idleTimeoutMs > 0) {
      socket.setTimeout(this.options.idleTimeoutMs, () => conn.close());
    }
  }

  /** Binds; fills in the listener's port (and advertised port) when 0 was asked for. */
  listen(): Promise<{ host: string; port: number }> {
    const { listener } = this.options;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(listener.port, listener.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') {
          reject(new Error('server has no TCP address'));
          return;
        }
        if (listener.advertisedPort === 0) listener.advertisedPort = addr.port;
        listener.port = addr.port;
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting, lets in-flight responses finish (bounded), closes every connection. */
  async close(graceMs = 2000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.shutdown(graceMs)));
    await closed;
  }
}
