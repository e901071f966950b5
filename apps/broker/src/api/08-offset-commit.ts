/**
 * OffsetCommit (key 8), versions 0-9.
 * Members commit with their generation and member id; with generation -1 and no member id
 * (simple consumers, admin tools) only while the group is Empty, creating the group if needed.
 * The response is sent once the offsets are fsynced (concurrent commits share one fsync), so
 * an acknowledged commit survives a crash.
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (topic or partition does not exist),
 * OFFSET_METADATA_TOO_LARGE (offset.metadata.max.bytes), and for the whole request
 * ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS (commit
 * between JoinGroup and SyncGroup), GROUP_ID_NOT_FOUND (v9+, unknown group with a
 * generation; older versions get ILLEGAL_GENERATION), NOT_COORDINATOR if the write failed.
 * Version notes: v0 (ZooKeeper-era in Kafka) is served like v1 without generation and member;
 * v1 per-partition commit_timestamp; v2-4 retention_time_ms (an explicit expiry, as Kafka
 * still honours it); v6+ committed leader epoch; v7+ group_instance_id; v8 flexible; v9 is
 * the KIP-848 consumer version, which for classic groups means generation and member id.
 * Authorization (as Kafka): READ on the group, else GROUP_AUTHORIZATION_FAILED for every
 * partition; then READ on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
 */
import {
  ApiKey,
  ErrorCode,
  makeOffsetCommitResponse,
  makeOffsetCommitResponsePartition,
  makeOffsetCommitResponseTopic,
  readOffsetCommitRequest,
  writeOffsetCommitResponse,
} from '@tributary/kafka-protocol';
import type { CommitRequest } from '../groups/group-coordinator.js';
import { AclOperation, canAccessGroup, canAccessTopic } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const offsetCommitHandler = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readOffsetCommitRequest,
  writeResponse: writeOffsetCommitResponse,
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const partitions: CommitRequest['partitions'] = [];
    const groupAllowed = canAccessGroup(ctx, AclOperation.READ, req.groupId);
    // Per request partition: an error decided here, or its index in what the coordinator decides.
    const slots = req.topics.map((t) => {
      const topic = broker.topics.get(t.name);
      const denied = !groupAllowed
        ? ErrorCode.GROUP_AUTHORIZATION_FAILED
        : canAccessTopic(ctx, AclOperation.READ, t.name)
          ? ErrorCode.NONE
          : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      return t.partitions.map((p): { error: number } | { index: number } => {
        if (denied) return { error: denied };
        if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions.length) {
          return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        }
        partitions.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: apiVersion >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
          commitTimestamp: apiVersion === 1 ? p.commitTimestamp : -1,
        });
        return { index: partitions.length - 1 };
      });
    });
    // Nothing valid to commit: answer without touching (or creating) the group, as Kafka does.
    const errors =
      partitions.length === 0
        ? []
        : await broker.groups.commitOffsets({
            groupId: req.groupId,
            generationId: apiVersion >= 1 ? req.generationIdOrMemberEpoch : -1,
            memberId: apiVersion >= 1 ? req.memberId : '',
            groupInstanceId: apiVersion >= 7 ? req.groupInstanceId : null,
            retentionTimeMs: apiVersion >= 2 && apiVersion <= 4 ? req.retentionTimeMs : -1,
            groupIdNotFound: apiVersion >= 9,
            partitions,
          });
    return makeOffsetCommitResponse({
      topics: req.topics.map((t, ti) =>
        makeOffsetCommitResponseTopic({
          name: t.name,
          partitions: t.partitions.map((p, pi) => {
            const slot = slots[ti][pi];
            const errorCode = 'error' in slot ? slot.error : errors[slot.index];
            return makeOffsetCommitResponsePartition({
              partitionIndex: p.partitionIndex,
              errorCode,
            });
          }),
        }),
      ),
    });
  },
});
