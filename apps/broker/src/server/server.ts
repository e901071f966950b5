/** TCP listener: accepts connections, closes idle ones, and shuts down gracefully. */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { BrokerContext } from '../context.js';
import { MemoryLimit } from '../memory/memory-limit.js';
import { Connection } from './connection.js';

export interface ServerOptions {
  host: string;
  port: number;
  maxRequestBytes: number;
  idleTimeoutMs: number;
  /** queued.max.request.bytes: request bytes read but not yet answered, over all connections. */
  queuedMaxRequestBytes: number;
}

export class KafkaServer {
  private readonly server: NetServer;
  private readonly connections = new Set<Connection>();
  private nextId = 1;
  readonly requestMemory: MemoryLimit;

  constructor(
    private readonly broker: BrokerContext,
    private readonly options: ServerOptions,
  ) {
    this.requestMemory = new MemoryLimit(options.queuedMaxRequestBytes);
    this.server = createServer((socket) => this.accept(socket));
  }

  private accept(socket: Socket): void {
    const conn = new Connection(
      socket,
      this.nextId++,
      this.broker,
      this.options.maxRequestBytes,
      this.requestMemory,
      (c) => this.connections.delete(c),
    );
    this.connections.add(conn);
    if (this.options.idleTimeoutMs > 0) {
      socket.setTimeout(this.options.idleTimeoutMs, () => conn.close());
    }
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') {
          reject(new Error('server has no TCP address'));
          return;
        }
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
