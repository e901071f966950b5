/**
 * CreateTopics (key 19), versions 0-7.
 * Checks each topic in Kafka's order: name (INVALID_TOPIC_EXCEPTION), existence
 * (TOPIC_ALREADY_EXISTS) and '.'/'_' collisions, configs (INVALID_CONFIG, null values
 * included), then placement: partitions and replication factor (-1 = num.partitions /
 * default.replication.factor; a factor above 1 cannot be placed on one broker:
 * INVALID_REPLICATION_FACTOR) or a manual assignment that names this broker once per
 * partition (INVALID_REPLICA_ASSIGNMENT). A name given twice in one request is answered
 * once, after the others, with INVALID_REQUEST (as Kafka's controller does). validate_only
 * runs every check and creates nothing. Creation is synchronous, so timeout_ms is not used.
 * v1+ carries error messages; v5+ returns partitions, replication factor and the resulting
 * configs (source, read-only, sensitive); v7 the topic id (all zeros for validate_only).
 * Authorization (as Kafka's controller): CREATE on the cluster or on the topic, else
 * TOPIC_AUTHORIZATION_FAILED ("Authorization failed."); the configs, partition count and
 * replication factor of a created topic are returned only with DESCRIBE_CONFIGS on it
 * (else topic_config_error_code TOPIC_AUTHORIZATION_FAILED and -1 counts).
 */
import {
  ApiKey,
  ErrorCode,
  makeCreateTopicsResponse,
  makeCreateTopicsResponseCreatableTopicConfigs,
  makeCreateTopicsResponseCreatableTopicResult,
  readCreateTopicsRequest,
  writeCreateTopicsResponse,
  type CreateTopicsRequestCreatableTopic,
  type CreateTopicsResponseCreatableTopicResult,
} from '@tributary/kafka-protocol';
import { topicConfigEntries } from '../admin/config-entries.js';
import { duplicateValues } from '../admin/duplicates.js';
import { placeNewTopic } from '../admin/replica-assignment.js';
import { configNumber } from '../config/broker-config.js';
import { withCreationDefaults } from '../config/topic-configs.js';
import type { BrokerContext } from '../context.js';
import { AclOperation, canAccessTopic, canCreateTopic } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function failed(
  name: string,
  errorCode: number,
  errorMessage: string | null,
): CreateTopicsResponseCreatableTopicResult {
  return makeCreateTopicsResponseCreatableTopicResult({ name, errorCode, errorMessage });
}

async function createTopic(
  broker: BrokerContext,
  t: CreateTopicsRequestCreatableTopic,
  validateOnly: boolean,
): Promise<CreateTopicsResponseCreatableTopicResult> {
  const configs = new Map(t.configs.map((c) => [c.name, c.value]));
  // Name, existence, collisions and configs, before any placement question.
  const checked = broker.topics.validateCreate(t.name, 1, configs);
  if (checked.errorCode !== ErrorCode.NONE)
    return failed(t.name, checked.errorCode, checked.errorMessage);
  const placement = placeNewTopic(t, broker.config.nodeId, {
    numPartitions: configNumber(broker.config, 'num.partitions'),
    replicationFactor: configNumber(broker.config, 'default.replication.factor'),
  });
  if (!placement.ok) return failed(t.name, placement.errorCode, placement.errorMessage);
  const done = validateOnly
    ? broker.topics.validateCreate(t.name, placement.numPartitions, configs)
    : await broker.topics.create(t.name, placement.numPartitions, configs);
  if (done.errorCode !== ErrorCode.NONE) return failed(t.name, done.errorCode, done.errorMessage);
  const withDefaults = withCreationDefaults(broker.config, configs);
  const overrides = new Map([...withDefaults].map(([k, v]) => [k, v ?? '']));
  return makeCreateTopicsResponseCreatableTopicResult({
    name: t.name,
    topicId: validateOnly ? ZERO_UUID : (broker.topics.get(t.name)?.id ?? ZERO_UUID),
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions: placement.numPartitions,
    replicationFactor: placement.replicationFactor,
    configs: topicConfigEntries(broker.config, overrides).map((e) =>
      makeCreateTopicsResponseCreatableTopicConfigs({
        name: e.name,
        value: e.sensitive ? null : e.value,
        readOnly: e.readOnly,
        configSource: e.source,
        isSensitive: e.sensitive,
      }),
    ),
  });
}

export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  readRequest: readCreateTopicsRequest,
  writeResponse: writeCreateTopicsResponse,
  async handle(req, ctx) {
    const validateOnly = ctx.apiVersion >= 1 && req.validateOnly;
    const duplicates = duplicateValues(req.topics.map((t) => t.name));
    const topics: CreateTopicsResponseCreatableTopicResult[] = [];
    for (const t of req.topics) {
      if (duplicates.has(t.name)) continue;
      if (!canCreateTopic(ctx, t.name)) {
        topics.push(failed(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'));
        continue;
      }
      const created = await createTopic(ctx.broker, t, validateOnly);
      if (!canAccessTopic(ctx, AclOperation.DESCRIBE_CONFIGS, t.name)) {
        Object.assign(created, { numPartitions: -1, replicationFactor: -1, configs: [] });
        if (created.errorCode === ErrorCode.NONE)
          created.topicConfigErrorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      }
      topics.push(created);
    }
    for (const name of duplicates)
      topics.push(failed(name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
    return makeCreateTopicsResponse({ throttleTimeMs: 0, topics });
  },
});
