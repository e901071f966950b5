import { ErrorCode } from '@tributary/kafka-protocol';
import { describe, expect, it } from 'vitest';
import {
  manualAssignmentProblem,
  newPartitionAssignmentsProblem,
  placeNewTopic,
} from './replica-assignment.js';

const NODE = 1;
const DEFAULTS = { numPartitions: 3, replicationFactor: 1 };
const topic = (
  numPartitions: number,
  replicationFactor: number,
  assignments: Array<[number, number[]]> = [],
) => ({
  numPartitions,
  replicationFactor,
  assignments: assignments.map(([partitionIndex, brokerIds]) => ({ partitionIndex, brokerIds })),
});

describe('manualAssignmentProblem', () => {
  it('accepts this broker once', () => {
    expect(manualAssignmentProblem([NODE], NODE)).toBeNull();
    expect(manualAssignmentProblem([NODE], NODE, 1)).toBeNull();
  });

  it('uses Kafka messages, checking brokers in ascending order', () => {
    expect(manualAssignmentProblem([], NODE)).toBe(
      'The manual partition assignment includes an empty replica list.',
    );
    expect(manualAssignmentProblem([7, 1, 0], NODE)).toBe(
      'The manual partition assignment includes broker 0, but no such broker is registered.',
    );
    expect(manualAssignmentProblem([1, 1], NODE)).toBe(
      'The manual partition assignment includes the broker 1 more than once.',
    );
    expect(manualAssignmentProblem([1], NODE, 2)).toBe(
      'The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).',
    );
  });
});

describe('placeNewTopic', () => {
  it('resolves -1 to the broker defaults', () => {
    expect(placeNewTopic(topic(-1, -1), NODE, DEFAULTS)).toEqual({
      ok: true,
      numPartitions: 3,
      replicationFactor: 1,
    });
    expect(placeNewTopic(topic(5, 1), NODE, DEFAULTS)).toEqual({
      ok: true,
      numPartitions: 5,
      replicationFactor: 1,
    });
  });

  it.each([
    [
      topic(1, 0),
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0, or -1 to use the default value.',
    ],
    [
      topic(1, -2),
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0, or -1 to use the default value.',
    ],
    [
      topic(0, 1),
      ErrorCode.INVALID_PARTITIONS,
      'Number of partitions was set to an invalid non-positive value.',
    ],
    [
      topic(-5, 1),
      ErrorCode.INVALID_PARTITIONS,
      'Number of partitions was set to an invalid non-positive value.',
    ],
    [
      topic(1, 3),
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
    ],
  ])('refuses %j', (t, code, message) => {
    expect(placeNewTopic(t, NODE, DEFAULTS)).toEqual({
      ok: false,
      errorCode: code,
      errorMessage: message,
    });
  });

  it('checks the default replication factor too', () => {
    expect(
      placeNewTopic(topic(1, -1), NODE, { numPartitions: 1, replicationFactor: 3 }),
    ).toMatchObject({
      ok: false,
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
    });
  });

  it('takes manual assignments naming this broker, as consecutive partitions', () => {
    expect(
      placeNewTopic(
        topic(-1, -1, [
          [1, [1]],
          [0, [1]],
        ]),
        NODE,
        DEFAULTS,
      ),
    ).toEqual({
      ok: true,
      numPartitions: 2,
      replicationFactor: 1,
    });
  });

  it.each([
    [
      topic(-1, 1, [[0, [1]]]),
      ErrorCode.INVALID_REQUEST,
      'A manual partition assignment was specified, but replication factor was not set to -1.',
    ],
    [
      topic(1, -1, [[0, [1]]]),
      ErrorCode.INVALID_REQUEST,
      'A manual partition assignment was specified, but numPartitions was not set to -1.',
    ],
    [
      topic(-1, -1, [
        [0, [1]],
        [0, [1]],
      ]),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      'Found multiple manual partition assignments for partition 0',
    ],
    [
      topic(-1, -1, [[0, [2]]]),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      'The manual partition assignment includes broker 2, but no such broker is registered.',
    ],
    [
      topic(-1, -1, [[0, [1, 1]]]),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      'The manual partition assignment includes the broker 1 more than once.',
    ],
    [
      topic(-1, -1, [
        [0, [1]],
        [2, [1]],
      ]),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      'partitions should be a consecutive 0-based integer sequence',
    ],
  ])('refuses manual assignment %j', (t, code, message) => {
    expect(placeNewTopic(t, NODE, DEFAULTS)).toEqual({
      ok: false,
      errorCode: code,
      errorMessage: message,
    });
  });
});

describe('newPartitionAssignmentsProblem', () => {
  it('wants one valid replica list per new partition', () => {
    expect(
      newPartitionAssignmentsProblem(2, [{ brokerIds: [1] }, { brokerIds: [1] }], NODE),
    ).toBeNull();
    expect(newPartitionAssignmentsProblem(2, [{ brokerIds: [1] }], NODE)).toEqual({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage:
        'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.',
    });
    expect(newPartitionAssignmentsProblem(1, [{ brokerIds: [1, 2] }], NODE)).toEqual({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage:
        'The manual partition assignment includes broker 2, but no such broker is registered.',
    });
  });
});
