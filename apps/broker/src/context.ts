/**
 * Everything a request handler may use. Handlers get it through RequestContext.broker;
 * nothing reaches for globals.
 */
import type { AnyHandler } from './api/handler.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { Logger } from './logger.js';
import type { ProducerIdManager } from './producers/producer-id-manager.js';
import type { FetchWaiters } from './fetch/fetch-waiters.js';
import type { ConnectionInfo } from './server/connection-info.js';
import type { ConnectionRegistry } from './server/connection-registry.js';
import type { FetchBuffers } from './memory/fetch-buffers.js';
import type { CredentialStore } from './security/credentials/credential-store.js';
import type { SaslService } from './security/sasl/sasl-service.js';
import type { GroupCoordinator } from './groups/group-coordinator.js';
import type { Authorizer } from './security/acl/authorizer.js';
import type { TopicManager } from './topics/topic-manager.js';
import type { QuotaManager } from './quotas/quota-manager.js';
import type { UsageService } from './usage/usage-service.js';

/** Admission of client connections (connection limits, quotas/connection-limits.ts). */
export interface ConnectionGate {
  /**
   * Asked by the server when it accepts a connection and by the SASL path once the principal
   * is set; false means: close the connection now.
   */
  admit(connection: ConnectionInfo): boolean;
}

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly clusterId: string;
  readonly topics: TopicManager;
  readonly producerIds: ProducerIdManager;
  /** Fetch long-polls waiting for data, woken by produce. */
  readonly fetchWaiters: FetchWaiters;
  /** Every open client connection, across listeners. */
  readonly connections: ConnectionRegistry;
  /** Connection limits of the pool's plan. */
  readonly admission: ConnectionGate;
  /** The pool's limits and quota enforcement. */
  readonly quotas: QuotaManager;
  /** Usage counters for metering. */
  readonly usage: UsageService;
  /** Pooled, capped buffers fetch reads go into (fetch.memory.max.bytes). */
  readonly fetchBuffers: FetchBuffers;
  /** Classic consumer groups and committed offsets (this broker coordinates every group). */
  readonly groups: GroupCoordinator;
  /** The pool's API keys (hashed), changed through the admin endpoint. */
  readonly credentials: CredentialStore;
  /** SASL mechanisms, per-connection SASL sessions, authentication back-off. */
  readonly sasl: SaslService;
  /** ACLs and the decisions made from them (allows everything unless authorizer.enabled). */
  readonly authorizer: Authorizer;
  /** Registered handlers by API key (ApiVersions advertises exactly these). */
  readonly handlers: ReadonlyMap<number, AnyHandler>;
  readonly log: Logger;
}
