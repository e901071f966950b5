/**
 * One Kafka listener: accepts connections, closes idle ones, shuts down gracefully. The
 * broker runs one per configured listener; they share the request-memory ceiling.
 *
 * SSL and SASL_SSL listeners terminate TLS here (node:tls) with the broker's TlsMaterial and
 * take its reloads with setSecureContext: new connections get the new certificate, open
 * ones keep theirs. A failed handshake (plaintext on a TLS port, an untrusted client
 * certificate, garbage) closes just that connection. On SSL listeners a verified client
 * certificate names the principal.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { ListenerConfig } from '../config/listeners.js';
import { isTls } from '../config/listeners.js';
import type { BrokerContext } from '../context.js';
import type { MemoryLimit } from '../memory/memory-limit.js';
import { certificatePrincipal } from '../security/tls/peer-principal.js';
import type { TlsMaterial } from '../security/tls/tls-material.js';
import { Connection } from './connection.js';

export interface ServerOptions {
  listener: ListenerConfig;
  maxRequestBytes: number;
  idleTimeoutMs: number;
  /** queued.max.request.bytes: request bytes read but not yet answered, over all listeners. */
  requestMemory: MemoryLimit;
  /** Connection ids are unique across listeners. */
  nextConnectionId: () => number;
  /** Key material for SSL and SASL_SSL listeners (null when none is configured). */
  tls?: TlsMaterial | null;
}

export class KafkaServer {
  private readonly server: NetServer;
  private readonly connections = new Set<Connection>();
  private stopReloads: () => void = () => undefined;

  constructor(
    private readonly broker: BrokerContext,
    private readonly options: ServerOptions,
  ) {
    const { listener } = options;
    if (!isTls(listener.protocol)) {
      this.server = createServer((socket) => this.accept(socket));
      return;
    }
    const tls = options.tls;
    if (!tls) {
      throw new Error(
        `listener ${listener.name}: ${listener.protocol} needs ssl.keystore.location (a PEM key store)`,
      );
    }
    const server = createTlsServer(tls.serverOptions(), (socket) => this.acceptTls(socket, tls));
    server.on('tlsClientError', (err, socket) => {
      broker.log.debug(
        `listener ${listener.name}: TLS handshake with ${socket.remoteAddress ?? '?'} failed: ${err.message}`,
      );
      socket.destroy();
    });
    this.stopReloads = tls.onReload((secureContext) => server.setSecureContext(secureContext));
    this.server = server;
  }

  private acceptTls(socket: TLSSocket, tls: TlsMaterial): void {
    // ssl.client.auth=requested: no certificate is fine, an untrusted one is not.
    if (tls.clientAuth !== 'none' && !socket.authorized && socket.getPeerX509Certificate()) {
      this.broker.log.debug(
        `listener ${this.options.listener.name}: client certificate from ${socket.remoteAddress ?? '?'} not trusted (${String(socket.authorizationError)}); closing`,
      );
      socket.destroy();
      return;
    }
    const principal =
      this.options.listener.protocol === 'SSL' && socket.authorized
        ? certificatePrincipal(socket)
        : null;
    this.accept(socket, principal);
  }

  /** `principal`: set before the connection is registered (limits count it from the start). */
  private accept(socket: Socket, principal: string | null = null): void {
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
    if (principal) conn.info.principal = principal;
    this.connections.add(conn);
    this.broker.connections.add(conn);
    // Connection limits of the pool's plan (quotas/connection-limits.ts logs a refusal).
    if (!this.broker.admission.admit(conn.info)) {
      conn.close();
      return;
    }
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
    this.stopReloads();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.shutdown(graceMs)));
    await closed;
  }
}
