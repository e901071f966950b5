/**
 * Produce (key 0), versions 3-11 (record batch v2 only; older versions carry magic 0/1).
 * Per partition: validate framing, magic and CRC-32C of every batch without decoding records
 * (compacted topics also decode to check that every record has a key), then append. Offsets
 * are assigned synchronously in request order. acks=1 answers once the bytes are written,
 * acks=-1 (all) once they are fsynced (group commit), acks=0 never answers.
 * Errors are per partition: UNKNOWN_TOPIC_OR_PARTITION, CORRUPT_MESSAGE, MESSAGE_TOO_LARGE,
 * RECORD_LIST_TOO_LARGE, INVALID_RECORD, UNSUPPORTED_FOR_MESSAGE_FORMAT, INVALID_TIMESTAMP,
 * idempotence errors from the log, INVALID_REQUIRED_ACKS for the whole request.
 * Producing to a missing topic does not create it (as in Kafka: Metadata does).
 * Authorization (before any other check, as Kafka): WRITE on each topic, else
 * TOPIC_AUTHORIZATION_FAILED for its partitions; with a transactional id, WRITE on it, else
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED everywhere. Idempotent batches need nothing more:
 * InitProducerId checked the producer's right (Kafka 3.0+, KIP-679).
 */
import {
  ApiKey,
  Attributes,
  ErrorCode,
  Offsets,
  decodeRecords,
  makeProduceResponse,
  makeProduceResponseBatchIndexAndErrorMessage,
  makeProduceResponsePartitionProduceResponse,
  makeProduceResponseTopicProduceResponse,
  readInt64,
  readProduceRequest,
  validateRecords,
  writeProduceResponse,
  type BatchProblem,
  type ProduceResponsePartitionProduceResponse,
} from '@tributary/kafka-protocol';
import type { PartitionLog } from '@tributary/log-store';
import type { BrokerContext } from '../context.js';
import {
  AclOperation,
  AclResourceType,
  canAccess,
  canAccessTopic,
} from '../security/acl/request-authz.js';
import { NO_RESPONSE, defineHandler } from './handler.js';

const PROBLEM_ERRORS: Readonly<Record<BatchProblem, [number, string]>> = {
  truncated: [
    ErrorCode.CORRUPT_MESSAGE,
    'Record batch is truncated or its length field is invalid',
  ],
  'crc-mismatch': [ErrorCode.CORRUPT_MESSAGE, 'Record batch CRC-32C does not match its contents'],
  'bad-magic': [
    ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
    'Only record batch format v2 (magic 2) is accepted',
  ],
  'bad-count': [ErrorCode.INVALID_RECORD, 'Record count does not match the batch offset delta'],
  'control-batch': [ErrorCode.INVALID_RECORD, 'Clients may not produce control batches'],
  empty: [ErrorCode.INVALID_RECORD, 'Produce request carries no record batch for this partition'],
  'too-large': [ErrorCode.MESSAGE_TOO_LARGE, 'Record batch is larger than max.message.bytes'],
};

type PartitionResult = ProduceResponsePartitionProduceResponse;

function errorResult(
  index: number,
  errorCode: number,
  errorMessage: string | null,
  batchIndex = -1,
): PartitionResult {
  return makeProduceResponsePartitionProduceResponse({
    index,
    errorCode,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    errorMessage,
    recordErrors:
      batchIndex >= 0
        ? [
            makeProduceResponseBatchIndexAndErrorMessage({
              batchIndex,
              batchIndexErrorMessage: errorMessage,
            }),
          ]
        : [],
  });
}

/** Every record of a compacted topic needs a key; this decodes (and decompresses) to check. */
function missingKey(
  records: Buffer,
  batches: ReadonlyArray<{ start: number; size: number }>,
): boolean {
  for (const b of batches) {
    for (const r of decodeRecords(records.subarray(b.start, b.start + b.size)))
      if (r.key === null) return true;
  }
  return false;
}

function timestampProblem(
  records: Buffer,
  batches: ReadonlyArray<{ start: number; size: number }>,
  configs: ReadonlyMap<string, string>,
  now: number,
): string | null {
  const before = Number(configs.get('message.timestamp.before.max.ms') ?? Number.MAX_SAFE_INTEGER);
  const after = Number(configs.get('message.timestamp.after.max.ms') ?? Number.MAX_SAFE_INTEGER);
  if (before >= Number.MAX_SAFE_INTEGER && after >= Number.MAX_SAFE_INTEGER) return null;
  for (const b of batches) {
    const first = readInt64(records, b.start + Offsets.baseTimestamp);
    const last = readInt64(records, b.start + Offsets.maxTimestamp);
    if (now - first > before || last - now > after)
      return 'Timestamp is out of the acceptable range';
  }
  return null;
}

/** Validates and appends one partition's records; returns the response and the completion to await. */
function producePartition(
  broker: BrokerContext,
  topicName: string,
  index: number,
  log: PartitionLog | undefined,
  records: Buffer | null,
  acks: number,
  transactional: boolean,
): { result: PartitionResult; done: Promise<void> | null } {
  if (!log) {
    return {
      result: errorResult(
        index,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        'This server does not host this topic-partition.',
      ),
      done: null,
    };
  }
  if (records === null) return { result: errorResult(index, ...PROBLEM_ERRORS.empty), done: null };
  const topic = broker.topics.get(topicName)!;
  if (records.length > log.config.segmentBytes) {
    return {
      result: errorResult(
        index,
        ErrorCode.RECORD_LIST_TOO_LARGE,
        'Records are larger than the segment size (segment.bytes)',
      ),
      done: null,
    };
  }
  const check = validateRecords(
    records,
    Math.min(log.config.maxMessageBytes, broker.quotas.maxMessageBytes),
  );
  if (!check.ok) {
    const [code, message] = PROBLEM_ERRORS[check.problem];
    return { result: errorResult(index, code, message, check.batchIndex), done: null };
  }
  for (const b of check.batches) {
    const attrs = records.readInt16BE(b.start + Offsets.attributes);
    if (transactional || (attrs & Attributes.transactional) !== 0) {
      return {
        result: errorResult(
          index,
          ErrorCode.INVALID_TXN_STATE,
          'Transactions are not supported by this broker',
        ),
        done: null,
      };
    }
  }
  const now = Date.now();
  const tsProblem = timestampProblem(records, check.batches, topic.configs, now);
  if (tsProblem)
    return { result: errorResult(index, ErrorCode.INVALID_TIMESTAMP, tsProblem), done: null };
  if (log.config.cleanupPolicy !== 'delete') {
    try {
      if (missingKey(records, check.batches)) {
        return {
          result: errorResult(
            index,
            ErrorCode.INVALID_RECORD,
            'Compacted topic cannot accept message without key',
          ),
          done: null,
        };
      }
    } catch {
      return {
        result: errorResult(index, ErrorCode.CORRUPT_MESSAGE, 'Records could not be decoded'),
        done: null,
      };
    }
  }
  const appended = log.append({ records, batches: check.batches, now });
  if (!appended.ok)
    return { result: errorResult(index, appended.errorCode, appended.message), done: null };
  broker.usage.counters.produced(topicName, records.length);
  const result = makeProduceResponsePartitionProduceResponse({
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: appended.baseOffset,
    logAppendTimeMs: appended.logAppendTime,
    logStartOffset: appended.logStartOffset,
    errorMessage: null,
  });
  const written = appended.written.then(() => broker.fetchWaiters.notify(topicName, index));
  const done = acks === -1 ? written.then(() => log.flush(appended.lastOffset + 1)) : written;
  return { result, done };
}

export const produceHandler = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 3,
  maxVersion: 11,
  readRequest: readProduceRequest,
  writeResponse: writeProduceResponse,
  async handle(req, ctx) {
    const { broker } = ctx;
    const acks = req.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const transactional = req.transactionalId !== null;
    const deniedCode =
      req.transactionalId !== null &&
      !canAccess(ctx, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, req.transactionalId)
        ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : ErrorCode.NONE;
    const waits: Promise<void>[] = [];
    const failures: Array<{ result: PartitionResult; error: unknown }> = [];
    // Synchronous up to here and through every append: offsets follow request order.
    const responses = req.topicData.map((t) => {
      const denied =
        deniedCode ||
        (canAccessTopic(ctx, AclOperation.WRITE, t.name)
          ? ErrorCode.NONE
          : ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      return makeProduceResponseTopicProduceResponse({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => {
          if (denied) return errorResult(p.index, denied, null);
          if (!validAcks)
            return errorResult(p.index, ErrorCode.INVALID_REQUIRED_ACKS, 'acks must be -1, 0 or 1');
          const records =
            p.records === null || Buffer.isBuffer(p.records) ? p.records : Buffer.concat(p.records);
          const { result, done } = producePartition(
            broker,
            t.name,
            p.index,
            broker.topics.partition(t.name, p.index),
            records,
            acks,
            transactional,
          );
          if (done) {
            waits.push(
              done.catch((error: unknown) => {
                failures.push({ result, error });
              }),
            );
          }
          return result;
        }),
      });
    });
    await Promise.all(waits);
    for (const { result, error } of failures) {
      broker.log.error(
        `produce to partition ${result.index} failed after append: ${(error as Error).message}`,
      );
      result.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
      result.errorMessage = 'Disk error while writing the records';
      result.baseOffset = -1;
    }
    if (acks === 0) return NO_RESPONSE;
    return makeProduceResponse({ responses, throttleTimeMs: 0 });
  },
});
