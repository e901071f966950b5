/** What a handler may know about the connection a request came in on. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Kafka principal, e.g. `User:ANONYMOUS` until SASL authenticates the connection. */
  principal: string;
  /** Latest ApiVersions client software name/version, when the client sent them. */
  clientSoftwareName?: string;
  clientSoftwareVersion?: string;
}
