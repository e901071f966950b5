/**
 * OffsetFetch (key 9), versions 0-9.
 * Returns a group's committed offsets: every committed partition when topics is null, else
 * the ones asked for, with offset -1 (and metadata "", leader epoch -1) where nothing is
 * committed or the group does not exist. Only durable commits are visible; with
 * require_stable a partition whose commit is still being written answers
 * UNSTABLE_OFFSET_COMMIT (there are no transactional commits here).
 * Version notes: v0 (ZooKeeper-era in Kafka) is served like v1; v2+ top-level error code and
 * null topics for "all"; v5+ committed leader epoch; v6 flexible; v7 require_stable; v8+
 * several groups per request; v9 member id/epoch (KIP-848 groups only, ignored for classic).
 * Authorization (as Kafka): DESCRIBE on the group (READ implies it), else
 * GROUP_AUTHORIZATION_FAILED; then DESCRIBE on each topic: when all offsets are asked for,
 * topics without it are left out; when named, their partitions answer
 * TOPIC_AUTHORIZATION_FAILED with offset -1.
 */
import {
  ApiKey,
  ErrorCode,
  makeOffsetFetchResponse,
  makeOffsetFetchResponseGroup,
  makeOffsetFetchResponsePartition,
  makeOffsetFetchResponsePartitions,
  makeOffsetFetchResponseTopic,
  makeOffsetFetchResponseTopics,
  readOffsetFetchRequest,
  writeOffsetFetchResponse,
} from '@tributary/kafka-protocol';
import type { FetchResult } from '../groups/group-coordinator.js';
import { AclOperation, canAccessGroup, canAccessTopic } from '../security/acl/request-authz.js';
import { defineHandler, type RequestContext } from './handler.js';

function authorizedFetch(
  ctx: RequestContext,
  groupId: string,
  wanted: ReadonlyArray<{ name: string; partitionIndexes: readonly number[] }> | null,
  requireStable: boolean,
): FetchResult {
  if (!canAccessGroup(ctx, AclOperation.DESCRIBE, groupId))
    return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
  const result = ctx.broker.groups.fetchOffsets(groupId, wanted, requireStable);
  const topics: FetchResult['topics'] = [];
  for (const t of result.topics) {
    if (canAccessTopic(ctx, AclOperation.DESCRIBE, t.name)) topics.push(t);
    else if (wanted !== null) {
      topics.push({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: -1,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        })),
      });
    }
  }
  return { errorCode: result.errorCode, topics };
}

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readOffsetFetchRequest,
  writeResponse: writeOffsetFetchResponse,
  handle(req, ctx) {
    const { apiVersion } = ctx;
    const requireStable = apiVersion >= 7 && req.requireStable;
    if (apiVersion >= 8) {
      return makeOffsetFetchResponse({
        groups: req.groups.map((g) => {
          const result = authorizedFetch(ctx, g.groupId, g.topics, requireStable);
          return makeOffsetFetchResponseGroup({
            groupId: g.groupId,
            errorCode: result.errorCode,
            topics: result.topics.map((t) =>
              makeOffsetFetchResponseTopics({
                name: t.name,
                partitions: t.partitions.map((p) => makeOffsetFetchResponsePartitions(p)),
              }),
            ),
          });
        }),
      });
    }
    const topics = apiVersion >= 2 ? req.topics : (req.topics ?? []);
    const result = authorizedFetch(ctx, req.groupId, topics, requireStable);
    if (result.errorCode !== ErrorCode.NONE && apiVersion < 2) {
      // No top-level error before v2: every requested partition carries it.
      return makeOffsetFetchResponse({
        topics: (req.topics ?? []).map((t) =>
          makeOffsetFetchResponseTopic({
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) =>
              makeOffsetFetchResponsePartition({
                partitionIndex,
                committedOffset: -1,
                metadata: '',
                errorCode: result.errorCode,
              }),
            ),
          }),
        ),
      });
    }
    return makeOffsetFetchResponse({
      errorCode: result.errorCode,
      topics: result.topics.map((t) =>
        makeOffsetFetchResponseTopic({
          name: t.name,
          partitions: t.partitions.map((p) => makeOffsetFetchResponsePartition(p)),
        }),
      ),
    });
  },
});
