/**
 * OffsetDelete (key 47), version 0.
 * Deletes committed offsets of a group. In an Empty group any partition may go; in an active
 * consumer group only partitions of topics no member subscribes to (the others answer
 * GROUP_SUBSCRIBED_TO_TOPIC; subscriptions come from the consumer protocol metadata); an
 * active group of another protocol type is NON_EMPTY_GROUP. An Empty group left without
 * offsets is deleted, as Kafka's cleanup does.
 * Errors: group level INVALID_GROUP_ID, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (then no topics
 * are returned); per partition UNKNOWN_TOPIC_OR_PARTITION, GROUP_SUBSCRIBED_TO_TOPIC.
 * Authorization (as Kafka): DELETE on the group, else GROUP_AUTHORIZATION_FAILED; READ on
 * each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
 */
import {
  ApiKey,
  ErrorCode,
  makeOffsetDeleteResponse,
  makeOffsetDeleteResponsePartition,
  makeOffsetDeleteResponseTopic,
  readOffsetDeleteRequest,
  writeOffsetDeleteResponse,
} from '@tributary/kafka-protocol';
import { AclOperation, canAccessGroup, canAccessTopic } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readOffsetDeleteRequest,
  writeResponse: writeOffsetDeleteResponse,
  async handle(req, ctx) {
    const { broker } = ctx;
    if (!canAccessGroup(ctx, AclOperation.DELETE, req.groupId))
      return makeOffsetDeleteResponse({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    const known: Array<{ topic: string; partition: number }> = [];
    const slots = req.topics.map((t) => {
      const topic = broker.topics.get(t.name);
      const readable = canAccessTopic(ctx, AclOperation.READ, t.name);
      return t.partitions.map((p): { error: number } | { index: number } => {
        if (!readable) return { error: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
        if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions.length) {
          return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        }
        known.push({ topic: t.name, partition: p.partitionIndex });
        return { index: known.length - 1 };
      });
    });
    const result = await broker.groups.deleteOffsets(req.groupId, known);
    if (result.errorCode !== ErrorCode.NONE)
      return makeOffsetDeleteResponse({ errorCode: result.errorCode });
    return makeOffsetDeleteResponse({
      errorCode: ErrorCode.NONE,
      topics: req.topics.map((t, ti) =>
        makeOffsetDeleteResponseTopic({
          name: t.name,
          partitions: t.partitions.map((p, pi) => {
            const slot = slots[ti][pi];
            return makeOffsetDeleteResponsePartition({
              partitionIndex: p.partitionIndex,
              errorCode: 'error' in slot ? slot.error : result.partitionErrors[slot.index],
            });
          }),
        }),
      ),
    });
  },
});
