/**
 * SASL for the whole broker: the enabled mechanisms and settings, one SaslSession per
 * connection on a SASL listener, the failure back-off, and the link to the credential store
 * that ends sessions of deleted or replaced keys (through the connection registry, at once).
 */
import type { ConnectionGate } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { ConnectionInfo } from '../../server/connection-info.js';
import type { ConnectionRegistry } from '../../server/connection-registry.js';
import type { CredentialChange, CredentialStore } from '../credentials/credential-store.js';
import { FailureDelay } from './failure-delay.js';
import type { MechanismServer, SaslMechanism } from './mechanism.js';
import { PlainServer } from './plain.js';
import type { SaslSettings } from './sasl-config.js';
import { SaslSession, type SessionHooks } from './sasl-session.js';
import { ScramServer } from './scram.js';

export interface SaslStats {
  authenticated: number;
  reauthenticated: number;
  failed: number;
  /** Connections closed because their session or key expired. */
  expiredSessionsClosed: number;
  /** Connections closed because their key was deleted or replaced. */
  revokedSessionsClosed: number;
}

export class SaslService {
  readonly stats: SaslStats = {
    authenticated: 0,
    reauthenticated: 0,
    failed: 0,
    expiredSessionsClosed: 0,
    revokedSessionsClosed: 0,
  };
  readonly failureDelay: FailureDelay;
  private readonly sessions = new WeakMap<ConnectionInfo, SaslSession>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly settings: SaslSettings,
    readonly credentials: CredentialStore,
    private readonly connections: ConnectionRegistry,
    readonly log: Logger,
    /** Connection limits, asked again once SASL has named the principal. */
    private readonly admission?: ConnectionGate,
  ) {
    this.failureDelay = new FailureDelay(settings.failedAuthenticationDelayMs);
    this.unsubscribe = credentials.onChange((change) => this.revoke(change));
  }

  /** A new connection on a SASL listener. */
  open(info: ConnectionInfo, hooks: SessionHooks): SaslSession {
    const session = new SaslSession(this, info, hooks);
    this.sessions.set(info, session);
    return session;
  }

  /** Whether the principal just authenticated on `info` may keep this connection. */
  admits(info: ConnectionInfo): boolean {
    return this.admission?.admit(info) ?? true;
  }

  /** The SASL session of a connection; undefined on non-SASL listeners. */
  sessionOf(info: ConnectionInfo): SaslSession | undefined {
    return this.sessions.get(info);
  }

  createServer(mechanism: SaslMechanism): MechanismServer {
    return mechanism === 'PLAIN'
      ? new PlainServer(this.credentials)
      : new ScramServer(mechanism, this.credentials);
  }

  close(): void {
    this.unsubscribe();
  }

  private revoke(change: CredentialChange): void {
    const closed = this.connections.closeWhere((info) => {
      const key = this.sessions.get(info)?.authenticatedKey;
      return !!key && key.keyId === change.id && this.credentials.currentProblem(key) !== null;
    });
    this.stats.revokedSessionsClosed += closed;
    if (closed > 0) {
      this.log.info(`key ${change.id} ${change.kind}: closed ${closed} connection(s)`);
    }
  }
}
