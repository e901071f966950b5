/**
 * One reconcile pass for one pool: the driver makes the brokers run as the spec says, then
 * every running broker gets the spec pushed to its admin endpoint (broker-sync.ts), and the
 * pass ends with the pool's observation for the control plane.
 *
 *   observedGeneration  the spec's generation once a pass applied all of it: every broker
 *                       RUNNING and synced without a transient failure. A topic the broker
 *                       refuses (a 4xx, e.g. INVALID_CONFIG) counts as applied-with-error:
 *                       it is listed in topicErrors and retried each pass.
 *   phase               PROVISIONING until the pool has run once; RUNNING when every broker
 *                       runs; DEGRADED when one does not (crashed, restarting); FAILED when
 *                       the driver cannot make the pool or a broker never came up after
 *                       3 restarts; DELETING/DELETED for a deleted spec.
 *   credentials         ids in force on every broker (last known for an unreachable one).
 *
 * A spec whose brokerConfig sets properties the agent owns (rsm.*, remote.log.storage.*) is
 * refused before the driver sees it: the pool keeps running as it was, the message says which
 * keys, and observedGeneration stays behind.
 *
 * A DELETED spec: the driver stops the brokers and removes their data, then (with tiered
 * storage) every object under the cluster's S3 prefix is deleted. The pool is DELETED only
 * when both are done; until then it is DELETING with the reason, and every pass tries again.
 */
import type { PoolObservation, PoolSpec } from '@tributary/contracts';
import { BrokerAdminClient } from '../broker-admin/broker-admin-client.js';
import type { DriverPoolStatus, PoolDriver } from '../drivers/pool-driver.js';
import type { Logger } from '../log.js';
import { checkBrokerConfig } from '../tiered/broker-properties.js';
import type { ClusterDataEraser } from '../tiered/cluster-data-eraser.js';
import {
  newSyncMemory,
  syncBroker,
  type BrokerSyncResult,
  type SyncMemory,
} from './broker-sync.js';
import type { ManagedKeysStore } from './managed-keys.js';

interface PoolMemory {
  observedGeneration: number;
  everRunning: boolean;
  brokers: Map<number, { sync: SyncMemory; credentials: string[] }>;
  lastTopics: PoolObservation['topics'];
}

const FAILED_AFTER_RESTARTS = 3;

export class PoolReconciler {
  private readonly pools = new Map<string, PoolMemory>();

  constructor(
    private readonly driver: PoolDriver,
    private readonly managedKeys: ManagedKeysStore,
    private readonly log: Logger,
    /** Deletes a removed cluster's S3 prefix; null without tiered storage. */
    private readonly eraser: ClusterDataEraser | null = null,
  ) {}

  private memory(clusterId: string): PoolMemory {
    let m = this.pools.get(clusterId);
    if (!m) {
      m = { observedGeneration: 0, everRunning: false, brokers: new Map(), lastTopics: [] };
      this.pools.set(clusterId, m);
    }
    return m;
  }

  /** The driver's view of one pool, or null when it has none. */
  async status(clusterId: string): Promise<DriverPoolStatus | null> {
    return (await this.driver.listPools()).find((p) => p.clusterId === clusterId) ?? null;
  }

  async apply(spec: PoolSpec): Promise<PoolObservation> {
    const mem = this.memory(spec.clusterId);
    let driverError: string | null = null;
    try {
      checkBrokerConfig(spec.brokerConfig);
      await this.driver.ensurePool(spec);
    } catch (err) {
      driverError = (err as Error).message;
      this.log.error(`pool ${spec.clusterId}: ${driverError}`);
    }
    const status = await this.status(spec.clusterId);
    const brokers = status?.brokers ?? [];
    const running = brokers.filter((b) => b.state === 'RUNNING' && b.adminUrl !== null);
    const managed = await this.managedKeys.read(spec.clusterId);

    const results = await Promise.all(
      running.map(async (b) => {
        let bm = mem.brokers.get(b.brokerId);
        if (!bm) {
          bm = { sync: newSyncMemory(), credentials: [] };
          mem.brokers.set(b.brokerId, bm);
        }
        const admin = new BrokerAdminClient(b.adminUrl!, status!.adminToken);
        const r = await syncBroker(admin, spec, bm.sync, managed);
        bm.credentials = r.credentials;
        return { brokerId: b.brokerId, result: r };
      }),
    );

    const errors = results.flatMap(({ brokerId, result }) =>
      result.errors.map((e) => `broker ${brokerId}: ${e}`),
    );
    const topicErrors = this.topicErrors(results, brokers.length);
    await this.rememberManagedKeys(spec, managed, results, topicErrors);

    const allRunning = brokers.length === spec.brokers && running.length === spec.brokers;
    if (allRunning) mem.everRunning = true;
    const complete = allRunning && driverError === null && errors.length === 0;
    if (complete) mem.observedGeneration = spec.generation;
    if (results.length > 0 && results[0].result.errors.length === 0) {
      mem.lastTopics = results[0].result.topics.map((t) => ({
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitions,
        configs: t.configs,
      }));
    }

    const neverUp = brokers.find(
      (b) => b.state === 'CRASHED' && b.restarts >= FAILED_AFTER_RESTARTS && !mem.everRunning,
    );
    const phase: PoolObservation['phase'] =
      driverError !== null && brokers.length === 0
        ? 'FAILED'
        : neverUp
          ? 'FAILED'
          : allRunning
            ? 'RUNNING'
            : mem.everRunning
              ? 'DEGRADED'
              : 'PROVISIONING';
    const problems = [
      ...(driverError ? [driverError] : []),
      ...brokers
        .filter((b) => b.state !== 'RUNNING' && b.lastError)
        .map((b) => `broker ${b.brokerId} ${b.state.toLowerCase()}: ${b.lastError}`),
      ...errors,
    ];
    const inForceEverywhere = spec.credentials
      .map((c) => c.id)
      .filter(
        (id) =>
          brokers.length > 0 &&
          brokers.every((b) => mem.brokers.get(b.brokerId)?.credentials.includes(id)),
      )
      .sort();
    return {
      clusterId: spec.clusterId,
      observedGeneration: mem.observedGeneration,
      phase,
      message: problems.length > 0 ? problems.join('; ').slice(0, 2000) : null,
      bootstrap:
        running.length > 0
          ? brokers
              .map((b) => b.endpoint)
              .filter(Boolean)
              .join(',')
          : null,
      brokers: brokers.map((b) => ({
        brokerId: b.brokerId,
        state: b.state,
        restarts: b.restarts,
        endpoint: b.endpoint,
        lastError: b.lastError,
      })),
      credentials: inForceEverywhere,
      topics: mem.lastTopics,
      topicErrors: [...topicErrors].map(([name, error]) => ({ name, error })),
      observedAt: new Date().toISOString(),
    };
  }

  private topicErrors(
    results: Array<{ brokerId: number; result: BrokerSyncResult }>,
    brokerCount: number,
  ): Map<string, string> {
    const out = new Map<string, string>();
    for (const { brokerId, result } of results) {
      for (const [name, error] of result.topicErrors) {
        if (!out.has(name)) out.set(name, brokerCount > 1 ? `broker ${brokerId}: ${error}` : error);
      }
    }
    return out;
  }

  /** After a clean pass: the config keys each PRESENT topic now has from the spec. */
  private async rememberManagedKeys(
    spec: PoolSpec,
    before: Record<string, string[]>,
    results: Array<{ result: BrokerSyncResult }>,
    topicErrors: Map<string, string>,
  ): Promise<void> {
    if (results.length === 0 || results.some((r) => r.result.errors.length > 0)) return;
    const next = { ...before };
    for (const t of spec.topics) {
      if (topicErrors.has(t.name)) continue;
      if (t.state === 'ABSENT') delete next[t.name];
      else next[t.name] = Object.keys(t.configs).sort();
    }
    if (JSON.stringify(next) !== JSON.stringify(before))
      await this.managedKeys.write(spec.clusterId, next);
  }

  /** Stops and deletes the pool; idempotent. */
  async remove(spec: PoolSpec): Promise<PoolObservation> {
    const mem = this.memory(spec.clusterId);
    let message: string | null = null;
    let phase: PoolObservation['phase'] = 'DELETED';
    try {
      await this.driver.removePool(spec.clusterId);
      // Brokers are stopped: nothing uploads any more while the prefix is emptied.
      await this.eraser?.erase(spec.clusterId);
      await this.managedKeys.remove(spec.clusterId);
      mem.observedGeneration = spec.generation;
      mem.brokers.clear();
      mem.lastTopics = [];
    } catch (err) {
      message = (err as Error).message;
      phase = 'DELETING';
      this.log.error(`pool ${spec.clusterId}: removing failed: ${message}`);
    }
    return {
      clusterId: spec.clusterId,
      observedGeneration: mem.observedGeneration,
      phase,
      message,
      bootstrap: null,
      brokers: [],
      credentials: [],
      topics: [],
      topicErrors: [],
      observedAt: new Date().toISOString(),
    };
  }
}
