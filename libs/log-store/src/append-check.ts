/**
 * First pass of append(): checks every batch of a request (size, framing, idempotent-producer
 * rules) before anything changes, so a request is applied whole or not at all. Batches of the
 * same producer within one request are checked against each other.
 */
import { ErrorCode, Offsets, readInt64 } from '@tributary/kafka-protocol';
import type { AppendInput } from './partition-log.js';
import {
  lastSequence,
  type ProducerAppend,
  type ProducerCheck,
  type ProducerStateManager,
} from './producer-state.js';

const BATCH_HEADER_SIZE = 61;

export function checkAppend(
  input: AppendInput,
  maxMessageBytes: number,
  producers: ProducerStateManager,
  logEndOffset: number,
): ProducerCheck {
  const { records, batches, now } = input;
  if (batches.length === 0) {
    return { kind: 'error', errorCode: ErrorCode.CORRUPT_MESSAGE, message: 'no record batches' };
  }
  let txn: ProducerAppend | null = null;
  let next = logEndOffset;
  for (const b of batches) {
    if (b.size > maxMessageBytes) {
      return {
        kind: 'error',
        errorCode: ErrorCode.MESSAGE_TOO_LARGE,
        message: `batch of ${b.size} bytes exceeds max.message.bytes ${maxMessageBytes}`,
      };
    }
    if (b.size < BATCH_HEADER_SIZE || b.start < 0 || b.start + b.size > records.length) {
      return {
        kind: 'error',
        errorCode: ErrorCode.CORRUPT_MESSAGE,
        message: 'batch span outside the records',
      };
    }
    const delta = records.readInt32BE(b.start + Offsets.lastOffsetDelta);
    if (delta < 0) {
      return {
        kind: 'error',
        errorCode: ErrorCode.CORRUPT_MESSAGE,
        message: 'negative last offset delta',
      };
    }
    const producerId = readInt64(records, b.start + Offsets.producerId);
    if (producerId >= 0) {
      txn ??= producers.begin();
      const epoch = records.readInt16BE(b.start + Offsets.producerEpoch);
      const firstSeq = records.readInt32BE(b.start + Offsets.baseSequence);
      const lastSeq = lastSequence(firstSeq, delta);
      const check = txn.check(producerId, epoch, firstSeq, lastSeq);
      // Like Kafka, a duplicate anywhere in the request answers the whole request.
      if (check.kind !== 'ok') return check;
      const batch = { firstSeq, lastSeq, firstOffset: next, lastOffset: next + delta };
      txn.add(producerId, epoch, batch, now);
    }
    next += delta + 1;
  }
  return { kind: 'ok' };
}
