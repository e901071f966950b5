/**
 * CreatePartitions (key 37), versions 0-3.
 * Raises a topic's partition count; the new partitions are led by this broker. As Kafka's
 * controller: a topic named twice is INVALID_REQUEST (answered once, after the others); an
 * unknown topic UNKNOWN_TOPIC_OR_PARTITION; the same count ("Topic already has N
 * partition(s).") or a lower one INVALID_PARTITIONS; manual assignments must give one replica
 * list per new partition, each naming only this broker, once (INVALID_REPLICA_ASSIGNMENT).
 * validate_only runs the checks and changes nothing; timeout_ms is not used (synchronous).
 * Authorization (as Kafka's controller): ALTER on the cluster or on the topic, else
 * TOPIC_AUTHORIZATION_FAILED (no message).
 */
import {
  ApiKey,
  ErrorCode,
  makeCreatePartitionsResponse,
  makeCreatePartitionsResponseCreatePartitionsTopicResult,
  readCreatePartitionsRequest,
  writeCreatePartitionsResponse,
  type CreatePartitionsRequestCreatePartitionsTopic,
  type CreatePartitionsResponseCreatePartitionsTopicResult,
} from '@tributary/kafka-protocol';
import { duplicateValues } from '../admin/duplicates.js';
import { newPartitionAssignmentsProblem } from '../admin/replica-assignment.js';
import type { BrokerContext } from '../context.js';
import { AclOperation, canAccessCluster, canAccessTopic } from '../security/acl/request-authz.js';
import type { AdminResult } from '../topics/topic-manager.js';
import { defineHandler } from './handler.js';

async function createPartitions(
  broker: BrokerContext,
  t: CreatePartitionsRequestCreatePartitionsTopic,
  validateOnly: boolean,
): Promise<AdminResult> {
  const current = broker.topics.get(t.name)?.partitions.length;
  // Assignments matter only once the count is known to be an increase (Kafka's order).
  if (current !== undefined && t.count > current && t.assignments !== null) {
    const problem = newPartitionAssignmentsProblem(
      t.count - current,
      t.assignments,
      broker.config.nodeId,
    );
    if (problem) return problem;
  }
  return broker.topics.createPartitions(t.name, t.count, validateOnly);
}

function result(name: string, r: AdminResult): CreatePartitionsResponseCreatePartitionsTopicResult {
  return makeCreatePartitionsResponseCreatePartitionsTopicResult({
    name,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
  });
}

export const createPartitionsHandler = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  readRequest: readCreatePartitionsRequest,
  writeResponse: writeCreatePartitionsResponse,
  async handle(req, ctx) {
    const duplicates = duplicateValues(req.topics.map((t) => t.name));
    const results: CreatePartitionsResponseCreatePartitionsTopicResult[] = [];
    const clusterAlter = canAccessCluster(ctx, AclOperation.ALTER);
    for (const t of req.topics) {
      if (duplicates.has(t.name)) continue;
      if (!clusterAlter && !canAccessTopic(ctx, AclOperation.ALTER, t.name)) {
        results.push(
          result(t.name, { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null }),
        );
      } else {
        results.push(result(t.name, await createPartitions(ctx.broker, t, req.validateOnly)));
      }
    }
    for (const name of duplicates) {
      results.push(
        result(name, {
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: 'Duplicate topic name.',
        }),
      );
    }
    return makeCreatePartitionsResponse({ throttleTimeMs: 0, results });
  },
});
