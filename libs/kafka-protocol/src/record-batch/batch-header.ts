/**
 * Record batch v2 (magic 2) header: fixed 61-byte layout at the start of every batch.
 * The CRC-32C covers bytes [21, end), so baseOffset (0) and partitionLeaderEpoch (12) can be
 * rewritten in place without touching the CRC.
 */
import { crc32c } from './crc32c.js';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's coverage starts: baseOffset (8) + batchLength (4). */
export const BATCH_LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

export const Offsets = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const enum CompressionCodec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export const Attributes = {
  codecMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

export interface BatchHeader {
  baseOffset: number;
  /** Bytes after the batchLength field; the whole batch is `batchLength + 12` bytes. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

export function writeInt64(buf: Buffer, at: number, value: number): void {
  const hi = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(value - hi * 0x1_0000_0000, at + 4);
}

/** Reads the header of the batch starting at `at`. The caller checks that 61 bytes are there. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, at),
    batchLength: buf.readInt32BE(at + Offsets.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(at + Offsets.partitionLeaderEpoch),
    magic: buf.readInt8(at + Offsets.magic),
    crc: buf.readUInt32BE(at + Offsets.crc),
    attributes: buf.readInt16BE(at + Offsets.attributes),
    lastOffsetDelta: buf.readInt32BE(at + Offsets.lastOffsetDelta),
    baseTimestamp: readInt64(buf, at + Offsets.baseTimestamp),
    maxTimestamp: readInt64(buf, at + Offsets.maxTimestamp),
    producerId: readInt64(buf, at + Offsets.producerId),
    producerEpoch: buf.readInt16BE(at + Offsets.producerEpoch),
    baseSequence: buf.readInt32BE(at + Offsets.baseSequence),
    recordCount: buf.readInt32BE(at + Offsets.recordCount),
  };
}

/** Total size in bytes of the batch starting at `at` (header field + 12). */
export function batchSizeAt(buf: Buffer, at = 0): number {
  return buf.readInt32BE(at + Offsets.batchLength) + BATCH_LOG_OVERHEAD;
}

export function computeBatchCrc(batch: Buffer): number {
  return crc32c(batch.subarray(Offsets.attributes));
}

/** True when the stored CRC matches the CRC-32C of bytes [21, end) of this single batch. */
export function batchCrcValid(batch: Buffer): boolean {
  return batch.readUInt32BE(Offsets.crc) === computeBatchCrc(batch);
}

export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  writeInt64(batch, Offsets.baseOffset, baseOffset);
}

export function setPartitionLeaderEpoch(batch: Buffer, epoch: number): void {
  batch.writeInt32BE(epoch, Offsets.partitionLeaderEpoch);
}

/** Rewrites maxTimestamp and the timestamp-type bit (LogAppendTime), then recomputes the CRC. */
export function setLogAppendTime(batch: Buffer, timestamp: number): void {
  const attrs = batch.readInt16BE(Offsets.attributes) | Attributes.timestampTypeLogAppend;
  batch.writeInt16BE(attrs, Offsets.attributes);
  writeInt64(batch, Offsets.maxTimestamp, timestamp);
  batch.writeUInt32BE(computeBatchCrc(batch), Offsets.crc);
}

export function compressionOf(attributes: number): CompressionCodec {
  return (attributes & Attributes.codecMask) as CompressionCodec;
}

export function isTransactional(attributes: number): boolean {
  return (attributes & Attributes.transactional) !== 0;
}

export function isControl(attributes: number): boolean {
  return (attributes & Attributes.control) !== 0;
}
