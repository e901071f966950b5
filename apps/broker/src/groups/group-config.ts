/** The broker properties the group coordinator reads, resolved once at start-up. */
import { type BrokerConfig, configNumber } from '../config/broker-config.js';

export interface GroupConfig {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
  maxSize: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
  /** How long a new member may stay parked in JoinGroup (Kafka's fixed 5 minutes). */
  newMemberJoinTimeoutMs: number;
}

export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 3_000,
  maxSize: 2_147_483_647,
  offsetsRetentionMs: 10_080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  newMemberJoinTimeoutMs: 300_000,
};

export function groupConfigFrom(config: BrokerConfig): GroupConfig {
  return {
    minSessionTimeoutMs: configNumber(config, 'group.min.session.timeout.ms'),
    maxSessionTimeoutMs: configNumber(config, 'group.max.session.timeout.ms'),
    initialRebalanceDelayMs: configNumber(config, 'group.initial.rebalance.delay.ms'),
    maxSize: configNumber(config, 'group.max.size'),
    offsetsRetentionMs: configNumber(config, 'offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: configNumber(config, 'offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: configNumber(config, 'offset.metadata.max.bytes'),
    newMemberJoinTimeoutMs: DEFAULT_GROUP_CONFIG.newMemberJoinTimeoutMs,
  };
}
