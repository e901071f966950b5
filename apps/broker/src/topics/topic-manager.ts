/**
 * Topics of this broker: metadata (persisted in meta/topics.json) and one PartitionLog per
 * partition. Admin operations return Kafka error codes; they never throw for bad input.
 *
 * Concurrency: metadata changes are serialised through `mutate` (one at a time, each
 * persisted before it is visible), so a create and a delete of the same name cannot
 * interleave. Partition logs are opened before a topic becomes visible and closed after it
 * is hidden.
 */
import { randomUUID } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { ErrorCode } from '@tributary/kafka-protocol';
import { openPartitionLog, type LogConfig, type PartitionLog } from '@tributary/log-store';
import type { RemoteLogManager } from '@tributary/tiered-storage';
import { type BrokerConfig, configNumber } from '../config/broker-config.js';
import {
  logConfigFor,
  remoteStorageDisableProblem,
  topicOverridesProblem,
  withCreationDefaults,
} from '../config/topic-configs.js';
import { kafkaTopicId } from '../tiered/remote-storage.js';
import type { DataDir } from '../storage/data-dir.js';
import { readJsonIfExists, writeFileDurably } from '../storage/durable-file.js';
import type { Logger } from '../logger.js';
import { collisionKey, topicNameProblem } from './topic-name.js';

export interface Topic {
  readonly name: string;
  readonly id: string;
  readonly partitions: PartitionLog[];
  configs: Map<string, string>;
}

export interface AdminResult {
  errorCode: number;
  errorMessage: string | null;
}

const OK: AdminResult = { errorCode: ErrorCode.NONE, errorMessage: null };

function fail(errorCode: number, errorMessage: string): AdminResult {
  return { errorCode, errorMessage };
}

interface TopicsFile {
  topics: Array<{ name: string; id: string; partitions: number; configs: Record<string, string> }>;
}

export const MAX_PARTITIONS_PER_TOPIC = 10_000;

/** Limits beyond Kafka's own validation (the pool's plan), answered with POLICY_VIOLATION. */
export interface TopicPolicy {
  /** Whether `added` more partitions fit next to the `current` total. */
  partitionsProblem(current: number, added: number): string | null;
  /** Whether a topic's new config overrides (replacing `current`) are allowed. */
  configsProblem(
    next: ReadonlyMap<string, string | null>,
    current: ReadonlyMap<string, string>,
  ): string | null;
}

export class TopicManager {
  private readonly byName = new Map<string, Topic>();
  private readonly byId = new Map<string, Topic>();
  private queue: Promise<unknown> = Promise.resolve();
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private maintenanceRunning = false;
  private readonly deletedListeners: Array<(name: string) => Promise<void>> = [];
  private policy: TopicPolicy | null = null;

  private constructor(
    private readonly config: BrokerConfig,
    private readonly dir: DataDir,
    private readonly log: Logger,
    /** Tiered storage, when the broker has it (remote.log.storage.system.enable). */
    readonly tiered: RemoteLogManager | null,
  ) {}

  static async open(
    config: BrokerConfig,
    dir: DataDir,
    log: Logger,
    tiered: RemoteLogManager | null = null,
  ): Promise<TopicManager> {
    const tm = new TopicManager(config, dir, log, tiered);
    const file = await readJsonIfExists<TopicsFile>(dir.topicsFile);
    for (const t of file?.topics ?? []) {
      const configs = new Map(Object.entries(t.configs));
      const logConfig = logConfigFor(config, configs);
      const partitions: PartitionLog[] = [];
      for (let p = 0; p < t.partitions; p++) {
        partitions.push(await tm.openLog(t.name, t.id, p, logConfig));
      }
      const topic: Topic = { name: t.name, id: t.id, partitions, configs };
      tm.byName.set(t.name, topic);
      tm.byId.set(t.id, topic);
    }
    return tm;
  }

  /** Opens (or creates) a partition's log; under tiered storage wrapped as a TieredLog. */
  private async openLog(
    name: string,
    id: string,
    partition: number,
    logConfig: LogConfig,
  ): Promise<PartitionLog> {
    const local = await openPartitionLog(this.dir.partitionDir(name, partition), logConfig, {
      logger: (m) => this.log.info(m),
    });
    if (!this.tiered) return local;
    return this.tiered.attach(
      local,
      { label: `${name}-${partition}`, topicId: kafkaTopicId(id), partition },
      logConfig,
    );
  }

  /** Runs metadata changes one at a time. */
  private mutate<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async persist(): Promise<void> {
    const file: TopicsFile = {
      topics: [...this.byName.values()].map((t) => ({
        name: t.name,
        id: t.id,
        partitions: t.partitions.length,
        configs: Object.fromEntries(t.configs),
      })),
    };
    await writeFileDurably(this.dir.topicsFile, JSON.stringify(file, null, 2));
  }

  setPolicy(policy: TopicPolicy): void {
    this.policy = policy;
  }

  private policyProblem(
    addedPartitions: number,
    next: ReadonlyMap<string, string | null>,
    current: ReadonlyMap<string, string>,
  ): AdminResult | null {
    if (!this.policy) return null;
    const problem =
      (addedPartitions > 0
        ? this.policy.partitionsProblem(this.partitionCount, addedPartitions)
        : null) ?? this.policy.configsProblem(next, current);
    return problem ? fail(ErrorCode.POLICY_VIOLATION, problem) : null;
  }

  /** Other contexts (consumer groups) clean up what they keep about a deleted topic. */
  onTopicDeleted(listener: (name: string) => Promise<void>): void {
    this.deletedListeners.push(listener);
  }

  get(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  getById(id: string): Topic | undefined {
    return this.byId.get(id);
  }

  list(): Topic[] {
    return [...this.byName.values()];
  }

  partition(name: string, index: number): PartitionLog | undefined {
    return this.byName.get(name)?.partitions[index];
  }

  get partitionCount(): number {
    let n = 0;
    for (const t of this.byName.values()) n += t.partitions.length;
    return n;
  }

  get autoCreateEnabled(): boolean {
    return this.config.props.get('auto.create.topics.enable') !== 'false';
  }

  /** Checks a create without doing it, in Kafka's order: name, clashes, configs, partition count. */
  validateCreate(
    name: string,
    partitions: number,
    configs: ReadonlyMap<string, string | null>,
  ): AdminResult {
    const nameProblem = topicNameProblem(name);
    if (nameProblem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
    if (this.byName.has(name))
      return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const clash = [...this.byName.keys()].find((n) => collisionKey(n) === collisionKey(name));
    if (clash)
      return fail(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `Topic '${name}' collides with existing topic: ${clash}`,
      );
    const configProblem = topicOverridesProblem(
      this.config,
      withCreationDefaults(this.config, configs),
    );
    if (configProblem) return fail(ErrorCode.INVALID_CONFIG, configProblem);
    if (!Number.isInteger(partitions) || partitions < 1)
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        'Number of partitions was set to an invalid non-positive value.',
      );
    if (partitions > MAX_PARTITIONS_PER_TOPIC)
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        `Number of partitions must be at most ${MAX_PARTITIONS_PER_TOPIC}.`,
      );
    return this.policyProblem(partitions, configs, new Map()) ?? OK;
  }

  create(
    name: string,
    partitions: number,
    configs: ReadonlyMap<string, string | null>,
  ): Promise<AdminResult> {
    return this.mutate(async () => {
      const check = this.validateCreate(name, partitions, configs);
      if (check.errorCode !== ErrorCode.NONE) return check;
      const withDefaults = withCreationDefaults(this.config, configs);
      const overrides = new Map([...withDefaults].map(([k, v]) => [k, v ?? '']));
      const logConfig = logConfigFor(this.config, overrides);
      const logs: PartitionLog[] = [];
      const id = randomUUID();
      try {
        for (let p = 0; p < partitions; p++) logs.push(await this.openLog(name, id, p, logConfig));
      } catch (err) {
        await Promise.allSettled(logs.map((l) => l.delete()));
        for (const l of logs) this.tiered?.detach(l);
        this.log.error(`creating topic ${name} failed: ${(err as Error).message}`);
        return fail(
          ErrorCode.KAFKA_STORAGE_ERROR,
          `Could not create the partition logs of ${name}`,
        );
      }
      const topic: Topic = { name, id, partitions: logs, configs: overrides };
      this.byName.set(name, topic);
      this.byId.set(topic.id, topic);
      await this.persist();
      this.log.info(`created topic ${name} (${partitions} partitions, id ${topic.id})`);
      return OK;
    });
  }

  /** Creates a missing topic with the broker defaults (auto.create.topics.enable). */
  async autoCreate(name: string): Promise<AdminResult> {
    if (this.byName.has(name)) return OK;
    const result = await this.create(name, configNumber(this.config, 'num.partitions'), new Map());
    return result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS ? OK : result;
  }

  delete(name: string): Promise<AdminResult> {
    return this.mutate(async () => {
      const topic = this.byName.get(name);
      if (!topic)
        return fail(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          'This server does not host this topic-partition.',
        );
      if (this.config.props.get('delete.topic.enable') === 'false')
        return fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
      this.byName.delete(name);
      this.byId.delete(topic.id);
      await this.persist();
      await Promise.all(
        topic.partitions.map(async (log, p) => {
          await log.close();
          const moved = this.dir.deletedPartitionDir(name, p, topic.id);
          await rename(log.dir, moved);
          await rm(moved, { recursive: true, force: true });
        }),
      );
      // Remote segments go too (now, or by a later pass while S3 is unreachable).
      await this.tiered
        ?.deleteTopic(topic.partitions)
        .catch((err: unknown) =>
          this.log.warn(`deleting remote data of ${name} deferred: ${(err as Error).message}`),
        );
      this.log.info(`deleted topic ${name}`);
      for (const listener of this.deletedListeners) {
        await listener(name).catch((err: unknown) =>
          this.log.error(`cleanup after deleting ${name} failed: ${(err as Error).message}`),
        );
      }
      return OK;
    });
  }

  createPartitions(name: string, total: number, validateOnly: boolean): Promise<AdminResult> {
    return this.mutate(async () => {
      const topic = this.byName.get(name);
      if (!topic)
        return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
      const current = topic.partitions.length;
      if (total === current)
        return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
      if (total < current)
        return fail(
          ErrorCode.INVALID_PARTITIONS,
          `The topic ${name} currently has ${current} partition(s); ${total} would not be an increase.`,
        );
      if (total > MAX_PARTITIONS_PER_TOPIC)
        return fail(
          ErrorCode.INVALID_PARTITIONS,
          `Number of partitions must be at most ${MAX_PARTITIONS_PER_TOPIC}.`,
        );
      const refused = this.policyProblem(total - current, new Map(), new Map());
      if (refused) return refused;
      if (validateOnly) return OK;
      const logConfig = logConfigFor(this.config, topic.configs);
      for (let p = current; p < total; p++) {
        topic.partitions.push(await this.openLog(name, topic.id, p, logConfig));
      }
      await this.persist();
      return OK;
    });
  }

  /** Replaces the topic's config overrides with `overrides`. */
  setConfigs(
    name: string,
    overrides: ReadonlyMap<string, string | null>,
    validateOnly: boolean,
  ): Promise<AdminResult> {
    return this.alterConfigs(name, () => overrides, validateOnly);
  }

  /**
   * Replaces the topic's config overrides with what `change` makes of the current ones
   * (IncrementalAlterConfigs applies its operations there). `change` runs inside the metadata
   * queue, so two concurrent alterations of one topic cannot lose an update. As in Kafka, the
   * new set is validated before the topic's existence is checked. The partition logs get the
   * new LogConfig at once; the overrides are persisted before the call resolves.
   */
  alterConfigs(
    name: string,
    change: (
      current: ReadonlyMap<string, string>,
    ) => ReadonlyMap<string, string | null> | AdminResult,
    validateOnly: boolean,
  ): Promise<AdminResult> {
    return this.mutate(async () => {
      const topic = this.byName.get(name);
      const overrides = change(topic?.configs ?? new Map<string, string>());
      if ('errorCode' in overrides) return overrides;
      const problem =
        topicOverridesProblem(this.config, overrides) ??
        remoteStorageDisableProblem(topic?.configs ?? new Map<string, string>(), overrides);
      if (problem) return fail(ErrorCode.INVALID_CONFIG, problem);
      if (!topic)
        return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
      const refused = this.policyProblem(0, overrides, topic.configs);
      if (refused) return refused;
      if (validateOnly) return OK;
      topic.configs = new Map([...overrides].map(([k, v]) => [k, v ?? '']));
      const logConfig = logConfigFor(this.config, topic.configs);
      for (const log of topic.partitions) log.setConfig(logConfig);
      await this.persist();
      return OK;
    });
  }

  /** Starts the periodic retention/compaction pass (log.retention.check.interval.ms). */
  startMaintenance(): void {
    const interval = configNumber(this.config, 'log.retention.check.interval.ms');
    this.maintenanceTimer = setInterval(() => void this.runMaintenance(), interval);
    this.maintenanceTimer.unref();
  }

  async runMaintenance(): Promise<void> {
    if (this.maintenanceRunning) return;
    this.maintenanceRunning = true;
    try {
      for (const topic of this.list()) {
        for (const log of topic.partitions) {
          try {
            await log.runMaintenance(Date.now());
          } catch (err) {
            this.log.error(`maintenance of ${log.dir} failed: ${(err as Error).message}`);
          }
        }
      }
    } finally {
      this.maintenanceRunning = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.maintenanceTimer);
    await this.queue;
    await this.tiered?.close();
    await Promise.all(this.list().flatMap((t) => t.partitions.map((l) => l.close())));
  }
}
