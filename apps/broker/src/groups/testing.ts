/**
 * Test harness for the group coordinator: a coordinator on a temporary directory driven by a
 * ManualScheduler, plus helpers to build consumer-protocol metadata and to drive members.
 * Used by the unit tests next to it; holds no test-framework code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Writer,
  makeConsumerProtocolSubscription,
  writeConsumerProtocolSubscription,
} from '@tributary/kafka-protocol';
import type { Logger } from '../logger.js';
import type { JoinResult, SyncResult } from './classic-group.js';
import { DEFAULT_GROUP_CONFIG, type GroupConfig } from './group-config.js';
import { GroupCoordinator } from './group-coordinator.js';
import type { JoinRequest } from './membership.js';
import { ManualScheduler } from './scheduler.js';
import type { StoreFs } from './store-fs.js';

export const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const TEST_GROUP_CONFIG: GroupConfig = {
  ...DEFAULT_GROUP_CONFIG,
  minSessionTimeoutMs: 1_000,
  initialRebalanceDelayMs: 0,
};

/** Consumer protocol subscription metadata (version 1) for the given topics. */
export function subscription(topics: string[], version = 1): Buffer {
  const w = new Writer();
  w.int16(version);
  writeConsumerProtocolSubscription(w, makeConsumerProtocolSubscription({ topics }), version);
  return w.toBuffer();
}

export function joinRequest(init: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
    supportSkippingAssignment: false,
    ...init,
  };
}

/** A promise whose outcome can be inspected synchronously after flush(). */
export interface Tracked<T> {
  readonly done: boolean;
  readonly value: T;
}

export function track<T>(p: Promise<T>): Tracked<T> {
  const t = { done: false, value: undefined as T };
  void p.then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

/** Lets resolved promises run their callbacks. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export class Harness {
  private constructor(
    readonly dir: string,
    readonly scheduler: ManualScheduler,
    public coordinator: GroupCoordinator,
    readonly config: GroupConfig,
    private readonly fs: StoreFs | undefined,
  ) {}

  static async start(config: Partial<GroupConfig> = {}, fs?: StoreFs): Promise<Harness> {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-groups-'));
    const scheduler = new ManualScheduler();
    const full = { ...TEST_GROUP_CONFIG, ...config };
    const coordinator = await GroupCoordinator.open(dir, full, { scheduler, log: silentLog, fs });
    return new Harness(dir, scheduler, coordinator, full, fs);
  }

  /** Closes the coordinator and opens a new one on the same directory (a broker restart). */
  async restart(): Promise<void> {
    await this.coordinator.close();
    this.coordinator = await GroupCoordinator.open(this.dir, this.config, {
      scheduler: this.scheduler,
      log: silentLog,
      fs: this.fs,
    });
  }

  async stop(): Promise<void> {
    await this.coordinator.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** JoinGroup v4+ as a real client does it: MEMBER_ID_REQUIRED, then rejoin with the id. */
  async joinNew(init: Partial<JoinRequest> = {}): Promise<Tracked<JoinResult>> {
    const first = await this.coordinator.join(joinRequest(init));
    if (first.errorCode !== 79)
      throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
    return track(this.coordinator.join(joinRequest({ ...init, memberId: first.memberId })));
  }

  /** Runs due timers (0 ms: the initial rebalance delay in tests) and lets promises settle. */
  async tick(ms = 0): Promise<void> {
    this.scheduler.advance(ms);
    await flush();
  }

  sync(
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: Array<[string, string]> = [],
  ): Tracked<SyncResult> {
    return track(
      this.coordinator.sync({
        groupId,
        generationId,
        memberId,
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: assignments.map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })),
      }),
    );
  }
}
