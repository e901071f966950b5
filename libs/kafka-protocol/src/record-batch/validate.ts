/**
 * Produce-path validation of a records blob without decoding records: framing, magic, CRC,
 * record count vs. offset delta, size. Returns a reason code instead of throwing.
 */
import {
  Attributes,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  CURRENT_MAGIC,
  Offsets,
  computeBatchCrc,
} from './batch-header.js';

export type BatchProblem =
  | 'truncated'
  | 'bad-magic'
  | 'crc-mismatch'
  | 'bad-count'
  | 'too-large'
  | 'control-batch'
  | 'empty';

export interface BatchSpan {
  /** Start of this batch within the records blob. */
  start: number;
  size: number;
}

export type ValidationResult =
  { ok: true; batches: BatchSpan[] } | { ok: false; problem: BatchProblem; batchIndex: number };

export function validateRecords(records: Buffer, maxBatchBytes: number): ValidationResult {
  const batches: BatchSpan[] = [];
  let pos = 0;
  while (pos < records.length) {
    const index = batches.length;
    if (records.length - pos < BATCH_HEADER_SIZE)
      return { ok: false, problem: 'truncated', batchIndex: index };
    const size = records.readInt32BE(pos + Offsets.batchLength) + BATCH_LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > records.length)
      return { ok: false, problem: 'truncated', batchIndex: index };
    if (records.readInt8(pos + Offsets.magic) !== CURRENT_MAGIC)
      return { ok: false, problem: 'bad-magic', batchIndex: index };
    const batch = records.subarray(pos, pos + size);
    if (batch.readUInt32BE(Offsets.crc) !== computeBatchCrc(batch))
      return { ok: false, problem: 'crc-mismatch', batchIndex: index };
    const count = batch.readInt32BE(Offsets.recordCount);
    const lastDelta = batch.readInt32BE(Offsets.lastOffsetDelta);
    if (count <= 0 || lastDelta !== count - 1)
      return { ok: false, problem: 'bad-count', batchIndex: index };
    if ((batch.readInt16BE(Offsets.attributes) & Attributes.control) !== 0)
      return { ok: false, problem: 'control-batch', batchIndex: index };
    if (size > maxBatchBytes) return { ok: false, problem: 'too-large', batchIndex: index };
    batches.push({ start: pos, size });
    pos += size;
  }
  if (batches.length === 0) return { ok: false, problem: 'empty', batchIndex: 0 };
  return { ok: true, batches };
}
