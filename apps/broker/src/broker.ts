/**
 * A running broker: opens the data directory (recovering logs), wires the services handlers
 * use, and serves the Kafka protocol until stopped.
 */
import { mkdir } from 'node:fs/promises';
import { initCompression } from '@tributary/kafka-protocol';
import { handlerRegistry } from './api/registry.js';
import { type BrokerConfig, configNumber } from './config/broker-config.js';
import { isTls } from './config/listeners.js';
import type { BrokerContext } from './context.js';
import { FetchWaiters } from './fetch/fetch-waiters.js';
import { AdminServer } from './admin-http/admin-server.js';
import { adminRoutes } from './admin-http/routes.js';
import { FetchBuffers } from './memory/fetch-buffers.js';
import { MemoryLimit } from './memory/memory-limit.js';
import { groupConfigFrom } from './groups/group-config.js';
import { GroupCoordinator } from './groups/group-coordinator.js';
import type { Logger } from './logger.js';
import { ProducerIdManager } from './producers/producer-id-manager.js';
import { ConnectionLimits } from './quotas/connection-limits.js';
import { QuotaManager, quotaSettingsFrom } from './quotas/quota-manager.js';
import { withQuotas } from './quotas/throttled-handlers.js';
import { topicPolicy } from './quotas/topic-policy.js';
import { CredentialStore } from './security/credentials/credential-store.js';
import { saslSettingsFrom } from './security/sasl/sasl-config.js';
import { SaslService } from './security/sasl/sasl-service.js';
import { TlsMaterial } from './security/tls/tls-material.js';
import { tlsSettingsFrom } from './security/tls/tls-settings.js';
import { Authorizer } from './security/acl/authorizer.js';
import { ConnectionRegistry } from './server/connection-registry.js';
import { KafkaServer } from './server/server.js';
import { loadClusterId } from './storage/cluster-identity.js';
import { DataDir } from './storage/data-dir.js';
import { DataDirLock } from './storage/data-dir-lock.js';
import { TopicManager } from './topics/topic-manager.js';
import { createRemoteLogManager, kafkaTopicId } from './tiered/remote-storage.js';
import { withUsageCounting } from './usage/counting-handlers.js';
import { UsageService } from './usage/usage-service.js';

export class Broker {
  private constructor(
    readonly context: BrokerContext,
    private readonly servers: KafkaServer[],
    /** Bound address of each listener, in configuration order. */
    readonly addresses: Array<{ host: string; port: number }>,
    private readonly admin: AdminServer | null,
    /** Bound address of the admin endpoint, when enabled. */
    readonly adminAddress: { host: string; port: number } | null,
    private readonly requestMemory: MemoryLimit,
    private readonly lock: DataDirLock,
    /** Key material of the SSL/SASL_SSL listeners (null without such listeners). */
    readonly tls: TlsMaterial | null,
  ) {}

  static async start(config: BrokerConfig, log: Logger): Promise<Broker> {
    await initCompression();
    const dir = new DataDir(config.dataDir);
    // Before anything reads or writes the directory: refuses a directory another broker uses.
    const lock = await DataDirLock.acquire(dir);
    try {
      return await Broker.open(config, log, dir, lock);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  private static async open(
    config: BrokerConfig,
    log: Logger,
    dir: DataDir,
    lock: DataDirLock,
  ): Promise<Broker> {
    await mkdir(dir.logsDir, { recursive: true });
    const saslSettings = saslSettingsFrom(config);
    const tlsSettings = tlsSettingsFrom(config);
    const credentials = await CredentialStore.open(
      dir.credentialsFile,
      saslSettings.scramIterations,
    );
    const clusterId = await loadClusterId(dir, config.nodeId);
    // Before the logs and groups are opened: bad security settings or ACLs stop the start.
    const authorizer = await Authorizer.open(config, dir);
    const tiered = createRemoteLogManager(config, dir, clusterId, log);
    const topics = await TopicManager.open(config, dir, log, tiered);
    // Remote data of topics deleted while the broker was down, or mid-deletion at a crash.
    await tiered?.resumeDeletions(new Set(topics.list().map((t) => kafkaTopicId(t.id))));
    const producerIds = await ProducerIdManager.open(dir);
    const groups = await GroupCoordinator.open(dir.groupsDir, groupConfigFrom(config), { log });
    topics.onTopicDeleted((name) => groups.deleteTopicOffsets([name]));
    const connections = new ConnectionRegistry();
    const quotas = await QuotaManager.open(dir, quotaSettingsFrom(config), log);
    topics.setPolicy(topicPolicy(quotas));
    const usage = await UsageService.open(
      dir,
      { topics, connections },
      configNumber(config, 'usage.flush.interval.ms'),
      log,
    );
    const admission = new ConnectionLimits(quotas, connections, log);
    const context: BrokerContext = {
      config,
      clusterId,
      topics,
      producerIds,
      fetchWaiters: new FetchWaiters(),
      connections,
      admission,
      quotas,
      usage,
      fetchBuffers: new FetchBuffers(configNumber(config, 'fetch.memory.max.bytes')),
      groups,
      credentials,
      sasl: new SaslService(saslSettings, credentials, connections, log, admission),
      authorizer,
      // Usage counts what the quota layer lets through (an emptied throttled fetch is 0 bytes).
      handlers: withUsageCounting(withQuotas(handlerRegistry(), quotas), usage.counters),
      log,
    };
    const requestMemory = new MemoryLimit(configNumber(config, 'queued.max.request.bytes'));
    // Last before listening, so nothing after it can fail but binding (which closes it).
    const tls =
      tlsSettings && config.listeners.some((l) => isTls(l.protocol))
        ? await TlsMaterial.load(tlsSettings, log)
        : null;
    let connectionIds = 0;
    const servers = config.listeners.map(
      (listener) =>
        new KafkaServer(context, {
          listener,
          maxRequestBytes: configNumber(config, 'socket.request.max.bytes'),
          idleTimeoutMs: configNumber(config, 'connections.max.idle.ms'),
          requestMemory,
          nextConnectionId: () => ++connectionIds,
          tls,
        }),
    );
    const addresses = [];
    try {
      for (const server of servers) addresses.push(await server.listen());
    } catch (err) {
      await Promise.all(servers.map((s) => s.close(0)));
      tls?.close();
      await usage.close();
      throw err;
    }
    let admin: AdminServer | null = null;
    let adminAddress: { host: string; port: number } | null = null;
    if (config.admin) {
      admin = new AdminServer({ ...config.admin, router: adminRoutes(context), log });
      try {
        adminAddress = await admin.listen();
      } catch (err) {
        await Promise.all(servers.map((s) => s.close(0)));
        tls?.close();
        await usage.close();
        throw err;
      }
    }
    topics.startMaintenance();
    tiered?.start();
    return new Broker(context, servers, addresses, admin, adminAddress, requestMemory, lock, tls);
  }

  /** Request bytes read but not yet answered (queued.max.request.bytes accounting). */
  get requestMemoryUsed(): number {
    return this.requestMemory.used;
  }

  /** The first listener's bound address. */
  get address(): { host: string; port: number } {
    return this.addresses[0];
  }

  /** Graceful stop: no new connections, in-flight requests answered, logs flushed and closed. */
  async stop(): Promise<void> {
    this.context.fetchWaiters.wakeAll();
    this.context.groups.shutdown();
    await this.admin?.close();
    await Promise.all(this.servers.map((s) => s.close()));
    this.tls?.close();
    this.context.sasl.close();
    // Every request is answered by now: the final usage counters are complete.
    await this.context.usage.close();
    await this.context.groups.close();
    await this.context.topics.close();
    await this.lock.release();
  }
}
