/**
 * ListOffsets (key 2), versions 0-9.
 * Timestamps: -1 LATEST (high watermark; the last stable offset for READ_COMMITTED, equal
 * without transactions), -2 EARLIEST (log start, remote data included), -3 MAX_TIMESTAMP
 * (v7+, over the local log), -4 EARLIEST_LOCAL (v8+, KIP-405: the local log start),
 * -5 LATEST_TIERED (v9+, KIP-1005: the last offset copied to remote storage, -1 while nothing
 * is), otherwise the first offset whose timestamp is >= the given one, searching remote
 * segments too (offset -1 when there is none). A remote read that fails answers
 * KAFKA_STORAGE_ERROR for that partition.
 * v0 answers in old_style_offsets. Every partition is at leader epoch 0.
 * Authorization: DESCRIBE on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
 */
import {
  ApiKey,
  ErrorCode,
  makeListOffsetsResponse,
  makeListOffsetsResponseListOffsetsPartitionResponse,
  makeListOffsetsResponseListOffsetsTopicResponse,
  readListOffsetsRequest,
  writeListOffsetsResponse,
  type ListOffsetsResponseListOffsetsPartitionResponse,
} from '@tributary/kafka-protocol';
import type { PartitionLog } from '@tributary/log-store';
import { AclOperation, canAccessTopic } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const LATEST = -1;
export const EARLIEST = -2;
export const MAX_TIMESTAMP = -3;
export const EARLIEST_LOCAL = -4;
export const LATEST_TIERED = -5;

async function lookup(
  log: PartitionLog,
  timestamp: number,
  version: number,
): Promise<{ offset: number; timestamp: number } | number> {
  switch (timestamp) {
    case LATEST:
      return { offset: log.highWatermark, timestamp: -1 };
    case EARLIEST:
      return { offset: log.logStartOffset, timestamp: -1 };
    case MAX_TIMESTAMP:
      if (version < 7) return ErrorCode.UNSUPPORTED_VERSION;
      return (await log.maxTimestampOffset()) ?? { offset: -1, timestamp: -1 };
    case EARLIEST_LOCAL:
      if (version < 8) return ErrorCode.UNSUPPORTED_VERSION;
      return { offset: log.localLogStartOffset, timestamp: -1 };
    case LATEST_TIERED:
      if (version < 9) return ErrorCode.UNSUPPORTED_VERSION;
      return { offset: log.highestTieredOffset, timestamp: -1 };
    default:
      if (timestamp < 0) return ErrorCode.INVALID_REQUEST;
      return (await log.offsetForTimestamp(timestamp)) ?? { offset: -1, timestamp: -1 };
  }
}

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readListOffsetsRequest,
  writeResponse: writeListOffsetsResponse,
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const topics = await Promise.all(
      req.topics.map(async (t) => {
        const describable = canAccessTopic(ctx, AclOperation.DESCRIBE, t.name);
        return makeListOffsetsResponseListOffsetsTopicResponse({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map(
              async (p): Promise<ListOffsetsResponseListOffsetsPartitionResponse> => {
                const out = makeListOffsetsResponseListOffsetsPartitionResponse({
                  partitionIndex: p.partitionIndex,
                  timestamp: -1,
                  offset: -1,
                  leaderEpoch: -1,
                });
                if (!describable) {
                  out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
                  return out;
                }
                const log = broker.topics.partition(t.name, p.partitionIndex);
                if (!log) {
                  out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
                  return out;
                }
                if (apiVersion >= 4 && p.currentLeaderEpoch > 0) {
                  out.errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
                  return out;
                }
                const found = await lookup(log, p.timestamp, apiVersion).catch((err: unknown) => {
                  broker.log.error(
                    `ListOffsets ${t.name}-${p.partitionIndex} at ${p.timestamp} failed: ${(err as Error).message}`,
                  );
                  return ErrorCode.KAFKA_STORAGE_ERROR;
                });
                if (typeof found === 'number') {
                  out.errorCode = found;
                  return out;
                }
                out.offset = found.offset;
                out.timestamp = found.timestamp;
                out.leaderEpoch = 0;
                if (apiVersion === 0) out.oldStyleOffsets = found.offset >= 0 ? [found.offset] : [];
                return out;
              },
            ),
          ),
        });
      }),
    );
    return makeListOffsetsResponse({ throttleTimeMs: 0, topics });
  },
});
