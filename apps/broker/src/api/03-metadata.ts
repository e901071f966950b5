/**
 * Metadata (key 3), versions 0-12.
 * One broker (this one) leads every partition with epoch 0 and is its only replica and ISR.
 * A null topic list (or an empty one before v1) means all topics. Missing topics are created
 * when the request allows it (always before v4) and auto.create.topics.enable is on; invalid
 * names get INVALID_TOPIC_EXCEPTION. v10+ returns topic ids; v12 accepts topics by id.
 * Authorization (as Kafka): topics the principal may not DESCRIBE are left out of "all
 * topics" and answer TOPIC_AUTHORIZATION_FAILED when named (by name, whether or not they
 * exist; by id, with a null name); auto-creation needs CREATE on the cluster or the topic
 * (else TOPIC_AUTHORIZATION_FAILED). Authorized operations (v8+) are the topic's and the
 * cluster's allowed operations (cluster: 0 without DESCRIBE on it).
 */
import {
  ApiKey,
  ErrorCode,
  makeMetadataResponse,
  makeMetadataResponseBroker,
  makeMetadataResponsePartition,
  makeMetadataResponseTopic,
  readMetadataRequest,
  writeMetadataResponse,
  type MetadataResponseTopic,
} from '@tributary/kafka-protocol';
import type { BrokerContext } from '../context.js';
import {
  AclOperation,
  AclResourceType,
  authorizedOperations,
  canAccessTopic,
  canCreateTopic,
  clusterAuthorizedOperations,
} from '../security/acl/request-authz.js';
import type { Topic } from '../topics/topic-manager.js';
import { topicNameProblem } from '../topics/topic-name.js';
import { defineHandler } from './handler.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Every topic operation (what clients see without an authorizer). Kafka's AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11. */
export const ALL_TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((m, op) => m | (1 << op), 0);
/** Cluster: CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12. */
export const ALL_CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((m, op) => m | (1 << op), 0);
const NOT_REQUESTED = -2147483648;

/** `operations`: the authorized-operations bitfield, or NOT_REQUESTED. */
export function describeTopic(
  broker: BrokerContext,
  topic: Topic,
  operations: number,
): MetadataResponseTopic {
  const nodeId = broker.config.nodeId;
  return makeMetadataResponseTopic({
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: false,
    partitions: topic.partitions.map((_, i) =>
      makeMetadataResponsePartition({
        errorCode: ErrorCode.NONE,
        partitionIndex: i,
        leaderId: nodeId,
        leaderEpoch: 0,
        replicaNodes: [nodeId],
        isrNodes: [nodeId],
        offlineReplicas: [],
      }),
    ),
    topicAuthorizedOperations: operations,
  });
}

function topicError(
  name: string | null,
  topicId: string,
  errorCode: number,
): MetadataResponseTopic {
  return makeMetadataResponseTopic({ errorCode, name, topicId, partitions: [] });
}

export const metadataHandler = defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  readRequest: readMetadataRequest,
  writeResponse: writeMetadataResponse,
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const withOps = apiVersion >= 8 && req.includeTopicAuthorizedOperations;
    const describe = (t: Topic): MetadataResponseTopic =>
      describeTopic(
        broker,
        t,
        withOps ? authorizedOperations(ctx, AclResourceType.TOPIC, t.name) : NOT_REQUESTED,
      );
    const allowAutoCreate =
      (apiVersion < 4 || req.allowAutoTopicCreation) && broker.topics.autoCreateEnabled;
    const all = req.topics === null || (apiVersion === 0 && req.topics.length === 0);
    const topics: MetadataResponseTopic[] = [];
    if (all) {
      for (const t of broker.topics.list())
        if (canAccessTopic(ctx, AclOperation.DESCRIBE, t.name)) topics.push(describe(t));
    } else {
      for (const wanted of req.topics ?? []) {
        if (wanted.name === null || wanted.name === '') {
          const byId =
            wanted.topicId !== ZERO_UUID ? broker.topics.getById(wanted.topicId) : undefined;
          topics.push(
            !byId
              ? topicError(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID)
              : canAccessTopic(ctx, AclOperation.DESCRIBE, byId.name)
                ? describe(byId)
                : topicError(null, byId.id, ErrorCode.TOPIC_AUTHORIZATION_FAILED),
          );
          continue;
        }
        const name = wanted.name;
        if (!canAccessTopic(ctx, AclOperation.DESCRIBE, name)) {
          topics.push(topicError(name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
          continue;
        }
        let topic = broker.topics.get(name);
        if (!topic) {
          if (allowAutoCreate && !canCreateTopic(ctx, name)) {
            topics.push(topicError(name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
            continue;
          }
          if (topicNameProblem(name)) {
            topics.push(topicError(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION));
            continue;
          }
          if (!allowAutoCreate) {
            topics.push(topicError(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
            continue;
          }
          const created = await broker.topics.autoCreate(name);
          topic = broker.topics.get(name);
          if (!topic) {
            topics.push(
              topicError(name, ZERO_UUID, created.errorCode || ErrorCode.LEADER_NOT_AVAILABLE),
            );
            continue;
          }
        }
        topics.push(describe(topic));
      }
    }
    const { config } = broker;
    const { listener } = ctx.connection;
    return makeMetadataResponse({
      throttleTimeMs: 0,
      brokers: [
        makeMetadataResponseBroker({
          nodeId: config.nodeId,
          host: listener.advertisedHost,
          port: listener.advertisedPort,
          rack: config.rack,
        }),
      ],
      clusterId: broker.clusterId,
      controllerId: config.nodeId,
      topics,
      clusterAuthorizedOperations:
        apiVersion >= 8 && req.includeClusterAuthorizedOperations
          ? clusterAuthorizedOperations(ctx)
          : NOT_REQUESTED,
    });
  },
});
