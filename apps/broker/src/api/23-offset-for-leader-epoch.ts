/**
 * OffsetForLeaderEpoch (key 23), versions 0-4.
 * Consumers (Java 2.3+) validate their position after a metadata change with it; followers
 * use it to find where to truncate. Every partition here has had one leader epoch, 0, since
 * its creation, so as Kafka's LeaderEpochFileCache.endOffsetFor answers:
 *  - epoch 0 (the latest) ends at the log end offset;
 *  - an epoch above the latest, or -1 (undefined), is UNDEFINED: epoch -1, end offset -1;
 *  - an epoch below 0 but not -1 precedes the first known one: that epoch, ending where
 *    epoch 0 starts (the log start offset).
 * current_leader_epoch (v2+, -1 = not given) is checked first: below 0 is
 * FENCED_LEADER_EPOCH, above 0 UNKNOWN_LEADER_EPOCH. v0 answers carry no epoch.
 * Authorization: DESCRIBE on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
 */
import {
  ApiKey,
  ErrorCode,
  makeOffsetForLeaderEpochResponse,
  makeOffsetForLeaderEpochResponseEpochEndOffset,
  makeOffsetForLeaderEpochResponseOffsetForLeaderTopicResult,
  readOffsetForLeaderEpochRequest,
  writeOffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponseEpochEndOffset,
} from '@tributary/kafka-protocol';
import type { PartitionLog } from '@tributary/log-store';
import { AclOperation, canAccessTopic } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

const LEADER_EPOCH = 0;
const UNDEFINED_EPOCH = -1;

function endOffset(
  log: PartitionLog,
  partition: number,
  currentLeaderEpoch: number,
  leaderEpoch: number,
): OffsetForLeaderEpochResponseEpochEndOffset {
  const out = makeOffsetForLeaderEpochResponseEpochEndOffset({ partition });
  if (currentLeaderEpoch !== UNDEFINED_EPOCH && currentLeaderEpoch !== LEADER_EPOCH) {
    out.errorCode =
      currentLeaderEpoch < LEADER_EPOCH
        ? ErrorCode.FENCED_LEADER_EPOCH
        : ErrorCode.UNKNOWN_LEADER_EPOCH;
    return out;
  }
  if (leaderEpoch === LEADER_EPOCH) {
    out.leaderEpoch = LEADER_EPOCH;
    out.endOffset = log.logEndOffset;
  } else if (leaderEpoch < UNDEFINED_EPOCH) {
    out.leaderEpoch = leaderEpoch;
    out.endOffset = log.logStartOffset;
  }
  return out;
}

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readOffsetForLeaderEpochRequest,
  writeResponse: writeOffsetForLeaderEpochResponse,
  handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const topics = req.topics.map((t) => {
      const describable = canAccessTopic(ctx, AclOperation.DESCRIBE, t.topic);
      return makeOffsetForLeaderEpochResponseOffsetForLeaderTopicResult({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const log = broker.topics.partition(t.topic, p.partition);
          if (!describable || !log) {
            return makeOffsetForLeaderEpochResponseEpochEndOffset({
              partition: p.partition,
              errorCode: describable
                ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                : ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            });
          }
          const current = apiVersion >= 2 ? p.currentLeaderEpoch : UNDEFINED_EPOCH;
          return endOffset(log, p.partition, current, p.leaderEpoch);
        }),
      });
    });
    return makeOffsetForLeaderEpochResponse({ throttleTimeMs: 0, topics });
  },
});
