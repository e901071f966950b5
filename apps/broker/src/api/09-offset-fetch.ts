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
import { defineHandler } from './handler.js';

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readOffsetFetchRequest,
  writeResponse: writeOffsetFetchResponse,
  handle(req, { broker, apiVersion }) {
    const requireStable = apiVersion >= 7 && req.requireStable;
    if (apiVersion >= 8) {
      return makeOffsetFetchResponse({
        groups: req.groups.map((g) => {
          const result = broker.groups.fetchOffsets(g.groupId, g.topics, requireStable);
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
    const result = broker.groups.fetchOffsets(req.groupId, topics, requireStable);
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
