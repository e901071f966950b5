/**
 * Partition counts, replication factors and manual replica assignments for CreateTopics and
 * CreatePartitions, with the checks and messages of Kafka's ReplicationControlManager and
 * StripedReplicaPlacer, for a cluster whose only registered broker is this node. Every
 * partition therefore has exactly one replica: this broker.
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import type { AdminResult } from '../topics/topic-manager.js';

/** Registered brokers: this one. Placement with a higher replication factor fails as in Kafka. */
const REGISTERED_BROKERS = 1;

/** Kafka's validateManualPartitionAssignment; replicationFactor is that of earlier partitions. */
export function manualAssignmentProblem(
  replicas: readonly number[],
  nodeId: number,
  replicationFactor?: number,
): string | null {
  if (replicas.length === 0)
    return 'The manual partition assignment includes an empty replica list.';
  const sorted = [...replicas].sort((a, b) => a - b);
  let prev: number | undefined;
  for (const id of sorted) {
    if (id !== nodeId) {
      return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
    }
    if (id === prev)
      return `The manual partition assignment includes the broker ${prev} more than once.`;
    prev = id;
  }
  if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
    return (
      `The manual partition assignment includes a partition with ${sorted.length} replica(s), ` +
      `but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`
    );
  }
  return null;
}

export interface NewTopicShape {
  numPartitions: number;
  replicationFactor: number;
  assignments: ReadonlyArray<{ partitionIndex: number; brokerIds: readonly number[] }>;
}

export type Placement =
  { ok: true; numPartitions: number; replicationFactor: number } | ({ ok: false } & AdminResult);

function refuse(errorCode: number, errorMessage: string): Placement {
  return { ok: false, errorCode, errorMessage };
}

/**
 * How many partitions a new topic gets, and its replication factor (-1 = the broker
 * defaults num.partitions / default.replication.factor), or why it cannot be placed.
 */
export function placeNewTopic(
  topic: NewTopicShape,
  nodeId: number,
  defaults: { numPartitions: number; replicationFactor: number },
): Placement {
  if (topic.assignments.length > 0) {
    if (topic.replicationFactor !== -1) {
      return refuse(
        ErrorCode.INVALID_REQUEST,
        'A manual partition assignment was specified, but replication factor was not set to -1.',
      );
    }
    if (topic.numPartitions !== -1) {
      return refuse(
        ErrorCode.INVALID_REQUEST,
        'A manual partition assignment was specified, but numPartitions was not set to -1.',
      );
    }
    const seen = new Set<number>();
    let replicationFactor: number | undefined;
    for (const a of topic.assignments) {
      if (seen.has(a.partitionIndex)) {
        return refuse(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Found multiple manual partition assignments for partition ${a.partitionIndex}`,
        );
      }
      const problem = manualAssignmentProblem(a.brokerIds, nodeId, replicationFactor);
      if (problem) return refuse(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
      replicationFactor = a.brokerIds.length;
      seen.add(a.partitionIndex);
    }
    for (let i = 0; i < seen.size; i++) {
      if (!seen.has(i)) {
        return refuse(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'partitions should be a consecutive 0-based integer sequence',
        );
      }
    }
    return { ok: true, numPartitions: seen.size, replicationFactor: replicationFactor! };
  }
  if (topic.replicationFactor < -1 || topic.replicationFactor === 0) {
    return refuse(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0, or -1 to use the default value.',
    );
  }
  if (topic.numPartitions < -1 || topic.numPartitions === 0) {
    return refuse(
      ErrorCode.INVALID_PARTITIONS,
      'Number of partitions was set to an invalid non-positive value.',
    );
  }
  const numPartitions = topic.numPartitions === -1 ? defaults.numPartitions : topic.numPartitions;
  const replicationFactor =
    topic.replicationFactor === -1 ? defaults.replicationFactor : topic.replicationFactor;
  if (replicationFactor <= 0) {
    return refuse(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replicationFactor} time(s): Invalid replication factor ${replicationFactor}: the replication factor must be positive.`,
    );
  }
  if (replicationFactor > REGISTERED_BROKERS) {
    return refuse(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ` +
        `${replicationFactor} cannot be reached because only ${REGISTERED_BROKERS} broker(s) are registered.`,
    );
  }
  return { ok: true, numPartitions, replicationFactor };
}

/** CreatePartitions assignments: one replica list per added partition, each valid for RF 1. */
export function newPartitionAssignmentsProblem(
  additional: number,
  assignments: ReadonlyArray<{ brokerIds: readonly number[] }>,
  nodeId: number,
): AdminResult | null {
  if (assignments.length !== additional) {
    return {
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `Attempted to add ${additional} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
    };
  }
  for (const a of assignments) {
    const problem = manualAssignmentProblem(a.brokerIds, nodeId, REGISTERED_BROKERS);
    if (problem) return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: problem };
  }
  return null;
}
