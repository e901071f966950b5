/** Shared by the log-store tests: batches, temp directories, small configurations. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BATCH_LOG_OVERHEAD,
  buildBatch,
  type BatchInput,
  CompressionCodec,
  readInt64,
  Offsets,
} from '@tributary/kafka-protocol';
import { defaultLogConfig } from '../src/open-log.js';
import type { AppendResult, LogConfig, PartitionLog } from '../src/partition-log.js';

export interface BatchSpec {
  count?: number;
  valueSize?: number;
  keys?: Array<string | null>;
  values?: Array<string | null>;
  timestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  codec?: CompressionCodec;
  fill?: number;
}

export function makeBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.keys?.length ?? spec.values?.length ?? spec.count ?? 1;
  const records: BatchInput['records'] = [];
  for (let i = 0; i < count; i++) {
    const key = spec.keys ? spec.keys[i] : null;
    const v = spec.values ? spec.values[i] : undefined;
    records.push({
      key: key === null ? null : Buffer.from(key),
      value:
        v === undefined
          ? Buffer.alloc(spec.valueSize ?? 20, spec.fill ?? i)
          : v === null
            ? null
            : Buffer.from(v),
      timestampDelta: i,
    });
  }
  return buildBatch({
    records,
    baseTimestamp: spec.timestamp ?? 1_000_000,
    producerId: spec.producerId ?? -1,
    producerEpoch: spec.producerEpoch ?? -1,
    baseSequence: spec.baseSequence ?? -1,
    codec: spec.codec,
  });
}

/** Appends the batches as one produce request. */
export function appendBatches(log: PartitionLog, batches: Buffer[], now = 2_000_000): AppendResult {
  const records = Buffer.concat(batches);
  const spans: Array<{ start: number; size: number }> = [];
  let at = 0;
  for (const b of batches) {
    spans.push({ start: at, size: b.length });
    at += b.length;
  }
  return log.append({ records, batches: spans, now });
}

/** Appends, waits for the write and returns the stored bytes (offset rewritten) and offsets. */
export async function appendOne(
  log: PartitionLog,
  batch: Buffer,
  now = 2_000_000,
): Promise<{ bytes: Buffer; baseOffset: number; lastOffset: number }> {
  const copy = Buffer.from(batch);
  const r = log.append({ records: copy, batches: [{ start: 0, size: copy.length }], now });
  if (!r.ok) throw new Error(`append failed: ${r.errorCode} ${r.message}`);
  await r.written;
  return { bytes: copy, baseOffset: r.baseOffset, lastOffset: r.lastOffset };
}

export interface ParsedBatch {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

/** Splits fetched bytes into whole batches (a partial tail is dropped, as clients do). */
export function parseBatches(chunks: Buffer[]): ParsedBatch[] {
  const out: ParsedBatch[] = [];
  for (const buf of chunks) {
    let at = 0;
    while (at + 12 <= buf.length) {
      const size = buf.readInt32BE(at + 8) + BATCH_LOG_OVERHEAD;
      if (at + size > buf.length) break;
      const bytes = buf.subarray(at, at + size);
      const baseOffset = readInt64(bytes, 0);
      out.push({
        baseOffset,
        lastOffset: baseOffset + bytes.readInt32BE(Offsets.lastOffsetDelta),
        bytes,
      });
      at += size;
    }
  }
  return out;
}

/** Every batch from `from` to the high watermark, read in steps. */
export async function readAll(
  log: PartitionLog,
  from = log.logStartOffset,
): Promise<ParsedBatch[]> {
  const out: ParsedBatch[] = [];
  let offset = from;
  while (offset < log.highWatermark) {
    const r = await log.read(offset, 64 * 1024, { minOneBatch: true });
    if (!r.ok) throw new Error(`read at ${offset} failed: ${r.errorCode}`);
    const batches = parseBatches(r.records);
    if (batches.length === 0) throw new Error(`no progress at ${offset}`);
    for (const b of batches) if (b.lastOffset >= offset) out.push(b);
    offset = batches[batches.length - 1].lastOffset + 1;
  }
  return out;
}

export function smallConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return defaultLogConfig({
    segmentBytes: 4096,
    indexIntervalBytes: 256,
    retentionMs: -1,
    ...overrides,
  });
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'log-store-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
