/**
 * Records inside a v2 batch: decoding (compaction, validation, tests) and building batches
 * (tests, control batches, compaction output). Not used on the produce/fetch hot path.
 */
import {
  Attributes,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  CompressionCodec,
  CURRENT_MAGIC,
  Offsets,
  compressionOf,
  computeBatchCrc,
  readBatchHeader,
  writeInt64,
} from './batch-header.js';
import { compress, decompress } from './compression.js';
import { type Cursor, readVarint, readVarlong, writeVarint, writeVarlong } from './varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

function readNullableBytes(c: Cursor): Buffer | null {
  const len = readVarint(c);
  if (len < 0) return null;
  if (c.pos + len > c.buf.length) throw new RangeError('record field runs past the end');
  const out = c.buf.subarray(c.pos, c.pos + len);
  c.pos += len;
  return out;
}

/** Decodes every record of one batch (decompressing when needed). Throws RangeError when malformed. */
export function decodeRecords(batch: Buffer): KafkaRecord[] {
  const header = readBatchHeader(batch);
  const payload = decompress(compressionOf(header.attributes), batch.subarray(BATCH_HEADER_SIZE));
  const c: Cursor = { buf: payload, pos: 0 };
  const records: KafkaRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = readVarint(c);
    const end = c.pos + length;
    if (length < 0 || end > payload.length) throw new RangeError('record length runs past the end');
    c.pos += 1; // attributes (unused)
    const timestampDelta = readVarlong(c);
    const offsetDelta = readVarint(c);
    const key = readNullableBytes(c);
    const value = readNullableBytes(c);
    const headerCount = readVarint(c);
    if (headerCount < 0) throw new RangeError('negative header count');
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const hk = readNullableBytes(c);
      if (hk === null) throw new RangeError('null header key');
      headers.push({ key: hk.toString('utf8'), value: readNullableBytes(c) });
    }
    if (c.pos !== end) throw new RangeError('record length does not match its fields');
    records.push({ offsetDelta, timestampDelta, key, value, headers });
  }
  if (c.pos !== payload.length) throw new RangeError('trailing bytes after the last record');
  return records;
}

export interface BatchInput {
  baseOffset?: number;
  baseTimestamp?: number;
  maxTimestamp?: number;
  codec?: CompressionCodec;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  logAppendTime?: boolean;
  partitionLeaderEpoch?: number;
  /** Offsets the batch spans; defaults to the last record's offsetDelta. */
  lastOffsetDelta?: number;
  records: Array<Partial<KafkaRecord> & { value: Buffer | null }>;
}

function pushBytes(out: number[], data: Buffer | null): void {
  if (data === null) {
    writeVarint(out, -1);
    return;
  }
  writeVarint(out, data.length);
  for (const b of data) out.push(b);
}

function encodeRecord(r: Partial<KafkaRecord> & { value: Buffer | null }, index: number): Buffer {
  const body: number[] = [0];
  writeVarlong(body, r.timestampDelta ?? 0);
  writeVarint(body, r.offsetDelta ?? index);
  pushBytes(body, r.key ?? null);
  pushBytes(body, r.value);
  const headers = r.headers ?? [];
  writeVarint(body, headers.length);
  for (const h of headers) {
    pushBytes(body, Buffer.from(h.key, 'utf8'));
    pushBytes(body, h.value);
  }
  const len: number[] = [];
  writeVarint(len, body.length);
  return Buffer.from([...len, ...body]);
}

/** Builds one complete v2 batch with a valid CRC. */
export function buildBatch(input: BatchInput): Buffer {
  const codec = input.codec ?? CompressionCodec.None;
  const encoded = input.records.map((r, i) => encodeRecord(r, i));
  const payload = compress(codec, Buffer.concat(encoded));
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + payload.length);
  const baseTimestamp = input.baseTimestamp ?? Date.now();
  const lastDelta =
    input.lastOffsetDelta ??
    input.records.reduce((m, r, i) => Math.max(m, r.offsetDelta ?? i), input.records.length - 1);
  const maxTimestamp =
    input.maxTimestamp ??
    input.records.reduce(
      (m, r) => Math.max(m, baseTimestamp + (r.timestampDelta ?? 0)),
      baseTimestamp,
    );
  let attributes = codec;
  if (input.logAppendTime) attributes |= Attributes.timestampTypeLogAppend;
  if (input.transactional) attributes |= Attributes.transactional;
  if (input.control) attributes |= Attributes.control;
  writeInt64(batch, Offsets.baseOffset, input.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD, Offsets.batchLength);
  batch.writeInt32BE(input.partitionLeaderEpoch ?? -1, Offsets.partitionLeaderEpoch);
  batch.writeInt8(CURRENT_MAGIC, Offsets.magic);
  batch.writeInt16BE(attributes, Offsets.attributes);
  batch.writeInt32BE(lastDelta, Offsets.lastOffsetDelta);
  writeInt64(batch, Offsets.baseTimestamp, baseTimestamp);
  writeInt64(batch, Offsets.maxTimestamp, maxTimestamp);
  writeInt64(batch, Offsets.producerId, input.producerId ?? -1);
  batch.writeInt16BE(input.producerEpoch ?? -1, Offsets.producerEpoch);
  batch.writeInt32BE(input.baseSequence ?? -1, Offsets.baseSequence);
  batch.writeInt32BE(input.records.length, Offsets.recordCount);
  payload.copy(batch, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(computeBatchCrc(batch), Offsets.crc);
  return batch;
}
