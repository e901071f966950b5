/**
 * DeleteTopics (key 20), versions 0-6.
 * Deletes topics by name (v0-5 topic_names, v6 topics[].name) or by id (v6 topics[].topic_id).
 * With delete.topic.enable=false every topic is refused: INVALID_REQUEST before v3,
 * TOPIC_DELETION_DISABLED from v3. Otherwise, as Kafka's controller: a v6 entry with neither
 * or both of name and id, a name or an id given twice, and a name whose id was also given are
 * INVALID_REQUEST; an unknown name is UNKNOWN_TOPIC_OR_PARTITION, an unknown id
 * UNKNOWN_TOPIC_ID. Deletion is synchronous: the logs are closed and removed before the
 * answer, so the name can be created again at once. Results carry the topic id from v6 and
 * error messages from v5.
 * Authorization (as Kafka's controller; DELETE on the cluster allows every topic): a name the
 * principal may not DESCRIBE is TOPIC_AUTHORIZATION_FAILED before its existence is checked; an
 * existing topic it may not DELETE is TOPIC_AUTHORIZATION_FAILED (named by id: with a null
 * name unless it may DESCRIBE it).
 */
import {
  ApiKey,
  ErrorCode,
  makeDeleteTopicsResponse,
  makeDeleteTopicsResponseDeletableTopicResult,
  readDeleteTopicsRequest,
  writeDeleteTopicsResponse,
  type DeleteTopicsResponseDeletableTopicResult,
} from '@tributary/kafka-protocol';
import { duplicateValues } from '../admin/duplicates.js';
import type { BrokerContext } from '../context.js';
import {
  AUTHORIZATION_MESSAGES,
  AclOperation,
  canAccessCluster,
  canAccessTopic,
} from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

type Result = DeleteTopicsResponseDeletableTopicResult;

const TOPIC_DENIED = AUTHORIZATION_MESSAGES[ErrorCode.TOPIC_AUTHORIZATION_FAILED];

function result(
  name: string | null,
  topicId: string,
  errorCode: number,
  errorMessage: string | null,
): Result {
  return makeDeleteTopicsResponseDeletableTopicResult({ name, topicId, errorCode, errorMessage });
}

async function deleteByName(broker: BrokerContext, name: string, id: string): Promise<Result> {
  const done = await broker.topics.delete(name);
  return result(name, id, done.errorCode, done.errorMessage);
}

export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  readRequest: readDeleteTopicsRequest,
  writeResponse: writeDeleteTopicsResponse,
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const entries =
      apiVersion >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    if (broker.config.props.get('delete.topic.enable') === 'false') {
      const code = apiVersion < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED;
      return makeDeleteTopicsResponse({
        throttleTimeMs: 0,
        responses: entries.map((e) =>
          result(e.name, e.topicId, code, 'Topic deletion is disabled.'),
        ),
      });
    }
    const clusterDelete = canAccessCluster(ctx, AclOperation.DELETE);
    const may = (op: number, name: string) => clusterDelete || canAccessTopic(ctx, op, name);
    const denied = (name: string | null, id: string) =>
      result(name, id, ErrorCode.TOPIC_AUTHORIZATION_FAILED, TOPIC_DENIED);
    const responses: Result[] = [];
    const byName: string[] = [];
    const byId: string[] = [];
    for (const e of entries) {
      if (e.name === null && e.topicId === ZERO_UUID) {
        responses.push(
          result(
            null,
            ZERO_UUID,
            ErrorCode.INVALID_REQUEST,
            'Neither topic name nor id were specified.',
          ),
        );
      } else if (e.name !== null && e.topicId !== ZERO_UUID) {
        responses.push(
          result(
            e.name,
            e.topicId,
            ErrorCode.INVALID_REQUEST,
            'You may not specify both topic name and topic id.',
          ),
        );
      } else if (e.name !== null) {
        byName.push(e.name);
      } else {
        byId.push(e.topicId);
      }
    }
    const duplicateNames = duplicateValues(byName);
    const duplicateIds = duplicateValues(byId);
    for (const name of duplicateNames) {
      responses.push(result(name, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
    }
    for (const id of duplicateIds) {
      responses.push(result(null, id, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.'));
    }
    // Resolve everything before deleting anything, so a name and its own id are caught.
    const toDelete = new Map<string, string>(); // id -> name
    for (const id of new Set(byId)) {
      if (duplicateIds.has(id)) continue;
      const topic = broker.topics.getById(id);
      if (!topic)
        responses.push(
          result(null, id, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'),
        );
      else if (!may(AclOperation.DELETE, topic.name))
        responses.push(denied(may(AclOperation.DESCRIBE, topic.name) ? topic.name : null, id));
      else toDelete.set(id, topic.name);
    }
    for (const name of new Set(byName)) {
      if (duplicateNames.has(name)) continue;
      if (!may(AclOperation.DESCRIBE, name)) {
        responses.push(denied(name, ZERO_UUID));
        continue;
      }
      const topic = broker.topics.get(name);
      if (!topic) {
        responses.push(
          result(
            name,
            ZERO_UUID,
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            'This server does not host this topic-partition.',
          ),
        );
      } else if (!may(AclOperation.DELETE, name)) {
        responses.push(denied(name, ZERO_UUID));
      } else if (toDelete.has(topic.id)) {
        toDelete.delete(topic.id);
        responses.push(
          result(
            name,
            topic.id,
            ErrorCode.INVALID_REQUEST,
            'The provided topic name maps to an ID that was already supplied.',
          ),
        );
      } else {
        toDelete.set(topic.id, name);
      }
    }
    for (const [id, name] of toDelete) responses.push(await deleteByName(broker, name, id));
    return makeDeleteTopicsResponse({ throttleTimeMs: 0, responses });
  },
});
