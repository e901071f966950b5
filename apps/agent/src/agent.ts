/**
 * The agent's loops, around one driver and one control plane:
 *
 *   poll      long-polls the desired state (after = last revision); a new revision kicks
 *             every pool at once, so a spec change is applied within one pass (no timer);
 *             failures back off with jitter while everything keeps running as it is.
 *   pools     one worker per pool: a pass applies (or removes) the pool's current spec; a
 *             kick during a pass makes it run once more afterwards. Pools never wait for
 *             each other, so a pool that is starting does not delay a key on another.
 *   resync    every `resyncMs` each pool is kicked again: drift (a broker restarted on an
 *             empty disk, an ACL changed by hand) is repaired and broker health is reported.
 *   report    after each pass, the observed state of every pool is PUT (latest wins; a
 *             failed PUT is retried with back-off), and every `heartbeatMs` anyway.
 *   usage     every `usageIntervalMs` the brokers' usage is forwarded (usage-forwarder.ts).
 *
 * Without a desired state (the control plane has not answered since the agent started)
 * nothing is reconciled: the driver keeps supervising what runs.
 */
import type { DesiredState, PoolObservation, PoolSpec } from '@tributary/contracts';
import { backoffDelay, sleep } from './backoff.js';
import type { ControlPlaneClient } from './control-plane/control-plane-client.js';
import type { PoolDriver } from './drivers/pool-driver.js';
import type { Logger } from './log.js';
import type { ClusterDataEraser } from './tiered/cluster-data-eraser.js';
import { ManagedKeysStore } from './reconcile/managed-keys.js';
import { PoolReconciler } from './reconcile/pool-reconciler.js';
import { UsageForwarder } from './usage/usage-forwarder.js';

export interface AgentOptions {
  controlPlane: ControlPlaneClient;
  driver: PoolDriver;
  dataRoot: string;
  log: Logger;
  version: string;
  pollWaitMs: number;
  resyncMs: number;
  usageIntervalMs: number;
  heartbeatMs?: number;
  /** With tiered storage: empties a deleted cluster's S3 prefix. */
  eraser?: ClusterDataEraser | null;
}

interface Worker {
  running: Promise<void> | null;
  dirty: boolean;
}

const RETRY = { initialMs: 250, maxMs: 30_000 };

export class Agent {
  private desired: DesiredState | null = null;
  private readonly observations = new Map<string, PoolObservation>();
  private readonly workers = new Map<string, Worker>();
  private readonly reconciler: PoolReconciler;
  private readonly usage: UsageForwarder;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private pollLoop: Promise<void> | null = null;
  private usageLoop: Promise<void> | null = null;
  private usageQueue: Promise<unknown> = Promise.resolve();
  private reporting: Promise<void> | null = null;
  private reportAgain = false;
  private readonly unknownPoolsLogged = new Set<string>();

  constructor(private readonly o: AgentOptions) {
    this.reconciler = new PoolReconciler(
      o.driver,
      new ManagedKeysStore(o.dataRoot),
      o.log,
      o.eraser ?? null,
    );
    this.usage = new UsageForwarder(o.controlPlane, o.log);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  start(): void {
    this.pollLoop = this.poll();
    this.usageLoop = this.collectUsageForever();
    this.timers.push(setInterval(() => this.kickAll(), this.o.resyncMs));
    this.timers.push(setInterval(() => this.reportSoon(), this.o.heartbeatMs ?? 15_000));
  }

  /** Stops the loops (brokers keep running) once in-flight passes have finished. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([
      this.pollLoop,
      this.usageLoop,
      ...[...this.workers.values()].map((w) => w.running),
      this.reporting,
    ]);
  }

  private async poll(): Promise<void> {
    let after: number | null = null;
    let failures = 0;
    while (!this.stopped) {
      try {
        const state = await this.o.controlPlane.desiredState(
          after,
          this.o.pollWaitMs,
          this.abort.signal,
        );
        if (failures > 0) this.o.log.info('control plane reachable again');
        failures = 0;
        const changed = after === null || state.revision !== after;
        after = state.revision;
        if (changed) {
          this.desired = state;
          this.o.log.info(
            `desired state revision ${state.revision}: ${state.pools.length} pool(s)`,
          );
          this.kickAll();
        }
      } catch (err) {
        if (this.stopped) break;
        const delay = backoffDelay(failures++, RETRY);
        this.o.log.warn(
          `desired state: ${(err as Error).message} (retry in ${delay} ms; pools keep running)`,
        );
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private spec(clusterId: string): PoolSpec | undefined {
    return this.desired?.pools.find((p) => p.clusterId === clusterId);
  }

  private kickAll(): void {
    if (this.stopped || !this.desired) return;
    for (const p of this.desired.pools) this.kick(p.clusterId);
    void this.logUnknownPools();
  }

  private kick(clusterId: string): void {
    let w = this.workers.get(clusterId);
    if (!w) {
      w = { running: null, dirty: false };
      this.workers.set(clusterId, w);
    }
    if (w.running) {
      w.dirty = true;
      return;
    }
    const worker = w;
    worker.running = this.runPool(clusterId, worker).finally(() => (worker.running = null));
  }

  private async runPool(clusterId: string, w: Worker): Promise<void> {
    do {
      w.dirty = false;
      const spec = this.spec(clusterId);
      if (!spec || this.stopped) return;
      try {
        const obs =
          spec.state === 'DELETED'
            ? await this.removePool(spec)
            : await this.reconciler.apply(spec);
        const before = this.observations.get(clusterId);
        this.observations.set(clusterId, obs);
        if (!before || changed(before, obs)) this.reportSoon();
      } catch (err) {
        this.o.log.error(`pool ${clusterId}: pass failed: ${(err as Error).stack ?? err}`);
      }
    } while (w.dirty && !this.stopped);
  }

  /** Collects the pool's last usage while its brokers still run, then removes it. */
  private async removePool(spec: PoolSpec): Promise<PoolObservation> {
    const status = await this.reconciler.status(spec.clusterId);
    if (status) await this.collectUsage([spec.clusterId]);
    return this.reconciler.remove(spec);
  }

  private async logUnknownPools(): Promise<void> {
    const known = new Set(this.desired?.pools.map((p) => p.clusterId));
    for (const p of await this.o.driver.listPools()) {
      if (known.has(p.clusterId) || this.unknownPoolsLogged.has(p.clusterId)) continue;
      this.unknownPoolsLogged.add(p.clusterId);
      this.o.log.warn(
        `pool ${p.clusterId} runs but is not in the desired state: left alone (delete it through the control plane)`,
      );
    }
  }

  private reportSoon(): void {
    if (this.stopped || !this.desired) return;
    if (this.reporting) {
      this.reportAgain = true;
      return;
    }
    this.reporting = this.report().finally(() => (this.reporting = null));
  }

  private async report(): Promise<void> {
    let failures = 0;
    do {
      this.reportAgain = false;
      const pools = (this.desired?.pools ?? [])
        .map((p) => this.observations.get(p.clusterId))
        .filter((o): o is PoolObservation => o !== undefined);
      try {
        await this.o.controlPlane.putObservedState({ agentVersion: this.o.version, pools });
        failures = 0;
      } catch (err) {
        const delay = backoffDelay(failures++, RETRY);
        this.o.log.warn(`observed state: ${(err as Error).message} (retry in ${delay} ms)`);
        await sleep(delay, this.abort.signal);
        this.reportAgain = true;
      }
    } while (this.reportAgain && !this.stopped);
  }

  /** One usage round at a time: a broker must have a single collector. */
  private collectUsage(only?: string[]): Promise<void> {
    const run = this.usageQueue.then(async () => {
      const pools = (await this.o.driver.listPools()).filter(
        (p) => !only || only.includes(p.clusterId),
      );
      await this.usage.collect(pools);
    });
    this.usageQueue = run.catch(() => undefined);
    return run;
  }

  private async collectUsageForever(): Promise<void> {
    while (!this.stopped) {
      await sleep(this.o.usageIntervalMs, this.abort.signal);
      if (this.stopped) break;
      await this.collectUsage().catch((err: unknown) =>
        this.o.log.warn(`usage: ${(err as Error).message}`),
      );
    }
  }
}

function changed(a: PoolObservation, b: PoolObservation): boolean {
  return JSON.stringify({ ...a, observedAt: '' }) !== JSON.stringify({ ...b, observedAt: '' });
}
