/**
 * Kafka's offset retention (offsets.retention.minutes) for one classic group, as a pure
 * function of the group's state, its committed offsets and the time:
 * - an Empty group's offsets expire retention after the group became Empty;
 * - a group without protocol type (simple consumers, admin commits) expires each offset
 *   retention after its commit;
 * - a Stable consumer group expires, after their commit, only offsets of topics no member
 *   subscribes to any more; other active groups expire nothing;
 * - an offset committed with OffsetCommit v2-4 retention_time_ms expires at that time
 *   (outside subscribed topics).
 * Offsets with a commit still being written are kept.
 */
import type { ClassicGroup } from './classic-group.js';
import type { CommittedOffset, PartitionOffsets } from './offset-store.js';

export interface RetentionResult {
  expired: Array<{ topic: string; partition: number }>;
  /** Nothing is left after the expired offsets go (an Empty group may then be deleted). */
  allExpired: boolean;
}

function expiryBase(group: ClassicGroup): ((o: CommittedOffset) => number) | undefined {
  if (group.protocolType === null) return (o) => o.commitTimestamp;
  if (group.is('Empty')) return () => group.stateTimestamp;
  if (group.protocolType === 'consumer' && group.subscribedTopics && group.is('Stable')) {
    return (o) => o.commitTimestamp;
  }
  return undefined;
}

export function expiredOffsets(
  group: ClassicGroup,
  offsets: PartitionOffsets,
  now: number,
  retentionMs: number,
  hasPendingCommit: (topic: string, partition: number) => boolean,
): RetentionResult {
  const base = expiryBase(group);
  const expired: RetentionResult['expired'] = [];
  let allExpired = true;
  for (const [topic, parts] of offsets) {
    if (!base || group.isSubscribedToTopic(topic)) {
      allExpired = false;
      continue;
    }
    for (const [partition, o] of parts) {
      const due = o.expireTimestamp >= 0 ? now >= o.expireTimestamp : now - base(o) >= retentionMs;
      if (due && !hasPendingCommit(topic, partition)) expired.push({ topic, partition });
      else allExpired = false;
    }
  }
  return { expired, allExpired };
}
