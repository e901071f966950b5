/** What a handler may know about the connection a request came in on. */
import type { ListenerConfig } from '../config/listeners.js';

export interface ConnectionInfo {
  readonly id: number;
  /** The listener the client connected to (its advertised address is the one to hand out). */
  readonly listener: ListenerConfig;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Kafka principal, e.g. `User:ANONYMOUS` until SASL authenticates the connection. */
  principal: string;
  /** False on SASL listeners until SaslAuthenticate succeeds; true on the others. */
  authenticated: boolean;
  /** Latest ApiVersions client software name/version, when the client sent them. */
  clientSoftwareName?: string;
  clientSoftwareVersion?: string;
}
