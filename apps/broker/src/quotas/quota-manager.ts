/**
 * Enforces the pool's limits: client byte-rate and request-rate quotas (per Kafka quota
 * entity, quota-entities.ts), the pool-wide byte-rate ceiling per direction, and the plain
 * caps other parts ask for (connections, partitions, message size).
 *
 * Throttling is Kafka's (KIP-219): the request is served, its bytes are recorded, and when
 * the measured rate is over the quota the response carries throttle_time_ms and the
 * connection is muted for as long; the client stays quiet for that time too.
 *
 * Concurrency: everything runs on the event loop. `replace` persists the new limits before
 * they apply, one replacement at a time; a request sees either the old or the new limits.
 */
import { type BrokerConfig, configNumber } from '../config/broker-config.js';
import type { DataDir } from '../storage/data-dir.js';
import type { Logger } from '../logger.js';
import { type Limits, NO_LIMITS } from './limits.js';
import { loadLimits, saveLimits } from './limits-store.js';
import { QuotaIndex, type QuotaType, type ResolvedQuota, userName } from './quota-entities.js';
import { type RateWindow, SampledRate, throttleTimeMs } from './sampled-rate.js';

export interface QuotaSettings {
  window: RateWindow;
  /** Longest throttle one request can earn (quota.max.throttle.time.ms). */
  maxThrottleMs: number;
}

export function quotaSettingsFrom(config: BrokerConfig): QuotaSettings {
  return {
    window: {
      samples: Math.max(1, configNumber(config, 'quota.window.num')),
      sampleMs: Math.max(1, configNumber(config, 'quota.window.size.seconds')) * 1000,
    },
    maxThrottleMs: Math.max(0, configNumber(config, 'quota.max.throttle.time.ms')),
  };
}

/** Who a request is measured for. */
export interface QuotaClient {
  principal: string;
  clientId: string | null;
}

const SWEEP_EVERY_MS = 60_000;
const CLUSTER_PRODUCE = 'cluster:produce';
const CLUSTER_FETCH = 'cluster:fetch';

export class QuotaManager {
  private current: Limits = NO_LIMITS;
  private index = new QuotaIndex(NO_LIMITS);
  private readonly sensors = new Map<string, SampledRate>();
  private lastSweep = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: QuotaSettings,
    private readonly persist: (limits: Limits) => Promise<void> = async () => undefined,
    private readonly log?: Logger,
  ) {}

  static async open(dir: DataDir, settings: QuotaSettings, log: Logger): Promise<QuotaManager> {
    const qm = new QuotaManager(settings, (l) => saveLimits(dir, l), log);
    qm.apply(await loadLimits(dir));
    return qm;
  }

  get limits(): Limits {
    return this.current;
  }

  /** Persists, then applies, a whole new set of limits (one replacement at a time). */
  replace(limits: Limits): Promise<void> {
    const run = async (): Promise<void> => {
      await this.persist(limits);
      this.apply(limits);
      this.log?.info(
        `limits applied: ${limits.quotas.length} quota entries, cluster ${JSON.stringify(limits.cluster)}`,
      );
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private apply(limits: Limits): void {
    this.current = limits;
    this.index = new QuotaIndex(limits);
  }

  // --- plain caps -----------------------------------------------------------------------

  get maxMessageBytes(): number {
    return this.current.cluster.maxMessageBytes ?? Number.POSITIVE_INFINITY;
  }

  get maxPartitions(): number {
    return this.current.cluster.maxPartitions ?? Number.POSITIVE_INFINITY;
  }

  get maxConnections(): number {
    return this.current.cluster.maxConnections ?? Number.POSITIVE_INFINITY;
  }

  maxConnectionsOf(principal: string): number {
    return this.index.maxConnections(userName(principal)) ?? Number.POSITIVE_INFINITY;
  }

  // --- rates (the request path) -----------------------------------------------------------

  /** Records a produce request's record-batch bytes; returns its throttle time. */
  recordProduce(client: QuotaClient, bytes: number, now = Date.now()): number {
    return this.recordBytes('produce', client, bytes, now);
  }

  /** Records the record bytes a fetch response carries; returns its throttle time. */
  recordFetch(client: QuotaClient, bytes: number, now = Date.now()): number {
    return this.recordBytes('fetch', client, bytes, now);
  }

  /** Records one request against the request-rate quota; returns its throttle time. */
  recordRequest(client: QuotaClient, now = Date.now()): number {
    const q = this.resolve('request', client);
    return q ? this.recordAndThrottle(q.sensorKey, q.limit, 1, now) : 0;
  }

  /**
   * A fetch from a client already over its fetch quota (or the pool's) is answered empty:
   * returns how long it should be throttled, 0 when it may be served.
   */
  fetchThrottle(client: QuotaClient, now = Date.now()): number {
    let ms = 0;
    const q = this.resolve('fetch', client);
    if (q) ms = this.pendingThrottle(q.sensorKey, q.limit, now);
    const cluster = this.current.cluster.fetchBytesPerSecond;
    if (cluster !== undefined) ms = Math.max(ms, this.pendingThrottle(CLUSTER_FETCH, cluster, now));
    return ms;
  }

  /**
   * Most bytes one fetch should return: one sample's worth of the tightest fetch quota (as
   * Kafka caps a fetch at what the quota window can take), so a single response cannot earn
   * a throttle longer than the window.
   */
  fetchByteCap(client: QuotaClient): number {
    const q = this.resolve('fetch', client);
    const limit = Math.min(
      q?.limit ?? Number.POSITIVE_INFINITY,
      this.current.cluster.fetchBytesPerSecond ?? Number.POSITIVE_INFINITY,
    );
    if (!Number.isFinite(limit)) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.floor((limit * this.settings.window.sampleMs) / 1000));
  }

  private recordBytes(
    type: 'produce' | 'fetch',
    client: QuotaClient,
    bytes: number,
    now: number,
  ): number {
    let ms = 0;
    const q = this.resolve(type, client);
    if (q) ms = this.recordAndThrottle(q.sensorKey, q.limit, bytes, now);
    const cluster =
      type === 'produce'
        ? this.current.cluster.produceBytesPerSecond
        : this.current.cluster.fetchBytesPerSecond;
    if (cluster !== undefined) {
      const key = type === 'produce' ? CLUSTER_PRODUCE : CLUSTER_FETCH;
      ms = Math.max(ms, this.recordAndThrottle(key, cluster, bytes, now));
    }
    return ms;
  }

  private resolve(type: QuotaType, client: QuotaClient): ResolvedQuota | null {
    if (this.index.empty) return null;
    return this.index.resolve(type, userName(client.principal), client.clientId ?? '');
  }

  private recordAndThrottle(key: string, limit: number, value: number, now: number): number {
    const sensor = this.sensor(key, now);
    sensor.record(value, now);
    const { rate, windowMs } = sensor.measure(now);
    return Math.min(throttleTimeMs(rate, limit, windowMs), this.settings.maxThrottleMs);
  }

  private pendingThrottle(key: string, limit: number, now: number): number {
    const sensor = this.sensors.get(key);
    if (!sensor) return 0;
    const { rate, windowMs } = sensor.measure(now);
    return Math.min(throttleTimeMs(rate, limit, windowMs), this.settings.maxThrottleMs);
  }

  private sensor(key: string, now: number): SampledRate {
    let s = this.sensors.get(key);
    if (!s) {
      if (now - this.lastSweep >= SWEEP_EVERY_MS) this.sweep(now);
      s = new SampledRate(this.settings.window);
      this.sensors.set(key, s);
    }
    return s;
  }

  /** Drops sensors that measured nothing for a whole window (they would read 0 anyway). */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, s] of this.sensors) if (s.idle(now)) this.sensors.delete(key);
  }

  /** Sensors currently kept (for tests and diagnostics). */
  get sensorCount(): number {
    return this.sensors.size;
  }
}
