/**
 * DeleteRecords (key 21), versions 0-2.
 * Moves each partition's log start offset forward to the requested offset (-1 = the high
 * watermark) and drops the whole segments below it; answers with the new low watermark.
 * As Kafka's Partition.deleteRecordsOnLeader: an unknown partition is
 * UNKNOWN_TOPIC_OR_PARTITION, a topic whose cleanup.policy lacks delete is POLICY_VIOLATION,
 * a negative offset or one beyond the high watermark is OFFSET_OUT_OF_RANGE, and an offset at
 * or below the current start changes nothing. Failing partitions report low watermark -1.
 * The answer waits for the new start offset to be persisted; timeout_ms is not used.
 * Authorization: DELETE on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
 */
import {
  ApiKey,
  ErrorCode,
  makeDeleteRecordsResponse,
  makeDeleteRecordsResponseDeleteRecordsPartitionResult,
  makeDeleteRecordsResponseDeleteRecordsTopicResult,
  readDeleteRecordsRequest,
  writeDeleteRecordsResponse,
  type DeleteRecordsResponseDeleteRecordsPartitionResult,
} from '@tributary/kafka-protocol';
import type { BrokerContext } from '../context.js';
import { AclOperation, canAccessTopic } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

const HIGH_WATERMARK = -1;

async function deletePartition(
  broker: BrokerContext,
  topic: string,
  partitionIndex: number,
  requested: number,
): Promise<DeleteRecordsResponseDeleteRecordsPartitionResult> {
  const answer = (errorCode: number, lowWatermark = -1) =>
    makeDeleteRecordsResponseDeleteRecordsPartitionResult({
      partitionIndex,
      errorCode,
      lowWatermark,
    });
  const log = broker.topics.partition(topic, partitionIndex);
  if (!log) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (log.config.cleanupPolicy === 'compact') return answer(ErrorCode.POLICY_VIOLATION);
  const offset = requested === HIGH_WATERMARK ? log.highWatermark : requested;
  if (offset < 0 || offset > log.highWatermark) return answer(ErrorCode.OFFSET_OUT_OF_RANGE);
  if (offset > log.logStartOffset) {
    try {
      await log.deleteRecordsBefore(offset);
    } catch (err) {
      broker.log.error(
        `deleting records of ${topic}-${partitionIndex} before ${offset} failed: ${(err as Error).message}`,
      );
      return answer(ErrorCode.KAFKA_STORAGE_ERROR);
    }
  }
  return answer(ErrorCode.NONE, log.logStartOffset);
}

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readDeleteRecordsRequest,
  writeResponse: writeDeleteRecordsResponse,
  async handle(req, ctx) {
    const topics = await Promise.all(
      req.topics.map(async (t) => {
        const deletable = canAccessTopic(ctx, AclOperation.DELETE, t.name);
        return makeDeleteRecordsResponseDeleteRecordsTopicResult({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map((p) =>
              deletable
                ? deletePartition(ctx.broker, t.name, p.partitionIndex, p.offset)
                : makeDeleteRecordsResponseDeleteRecordsPartitionResult({
                    partitionIndex: p.partitionIndex,
                    errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
                    lowWatermark: -1,
                  }),
            ),
          ),
        });
      }),
    );
    return makeDeleteRecordsResponse({ throttleTimeMs: 0, topics });
  },
});
