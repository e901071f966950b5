/**
 * Connection limits of the pool's plan: at most `cluster.maxConnections` client connections
 * on the broker, and at most `maxConnections` of a user quota entry (or of the `<default>`
 * user entry) per principal. The server asks on accept; the SASL path asks again once the
 * principal is known. A refused connection is closed by the caller; nothing already open is
 * closed when a limit is lowered (as Kafka's max.connections).
 */
import type { ConnectionGate } from '../context.js';
import type { Logger } from '../logger.js';
import type { ConnectionInfo } from '../server/connection-info.js';
import type { ConnectionRegistry } from '../server/connection-registry.js';
import type { QuotaManager } from './quota-manager.js';

export class ConnectionLimits implements ConnectionGate {
  constructor(
    private readonly quotas: QuotaManager,
    private readonly connections: ConnectionRegistry,
    private readonly log: Logger,
  ) {}

  /**
   * True when `info` may stay open. It counts the other open connections, so it gives the
   * same answer whether or not `info` is already in the registry.
   */
  admit(info: ConnectionInfo): boolean {
    const maxPool = this.quotas.maxConnections;
    const maxPrincipal = info.authenticated
      ? this.quotas.maxConnectionsOf(info.principal)
      : Number.POSITIVE_INFINITY;
    if (!Number.isFinite(maxPool) && !Number.isFinite(maxPrincipal)) return true;
    let others = 0;
    let samePrincipal = 0;
    for (const c of this.connections.list()) {
      if (c.id === info.id) continue;
      others++;
      if (c.authenticated && c.principal === info.principal) samePrincipal++;
    }
    if (others >= maxPool) {
      this.log.warn(
        `connection ${info.id} from ${info.remoteAddress}:${info.remotePort} refused: the pool's connection limit (${maxPool}) is reached; closing`,
      );
      return false;
    }
    if (samePrincipal >= maxPrincipal) {
      this.log.warn(
        `connection ${info.id} from ${info.remoteAddress}:${info.remotePort} refused: ${info.principal} already has ${samePrincipal} connections (limit ${maxPrincipal}); closing`,
      );
      return false;
    }
    return true;
  }
}
