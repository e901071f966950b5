/**
 * Idempotent-producer state of one partition, as Kafka's ProducerStateManager keeps it: per
 * producer id the current epoch and the last five batches (sequence range and offsets).
 *
 * Rules on append (ProducerAppendInfo in Kafka 3.x):
 * - epoch below the known epoch                  -> INVALID_PRODUCER_EPOCH
 * - same epoch and a batch of the last five has the same sequence range -> duplicate: the
 *   original offsets are returned and nothing is written
 * - same epoch, firstSeq != lastSeq + 1 (int32 wrap-around) -> OUT_OF_ORDER_SEQUENCE_NUMBER
 * - higher epoch (bumped or new producer session) must start at sequence 0, else
 *   OUT_OF_ORDER_SEQUENCE_NUMBER
 * - unknown producer id: accepted with any sequence. Kafka 2.5+ (KIP-360) does the same: the
 *   state may have been removed by retention, DeleteRecords or expiry, and the client
 *   recovers on its own.
 *
 * Snapshots (`<offset>.snapshot`) hold the state for every batch below `offset`; on open the
 * newest valid snapshot is loaded and batches after it are replayed (`replay`).
 */
import { crc32c, ErrorCode, readInt64, writeInt64 } from '@tributary/kafka-protocol';

export const MAX_BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 0x7fff_ffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most MAX_BATCHES_PER_PRODUCER. */
  batches: BatchMetadata[];
  /** Wall clock (or batch max timestamp when replayed) of the last append; drives expiry. */
  lastTimestamp: number;
}

export type ProducerCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

/** Last sequence of a batch: baseSequence + lastOffsetDelta, wrapping past int32 max to 0. */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta
    ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1
    : baseSequence + lastOffsetDelta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function cloneEntry(e: ProducerEntry): ProducerEntry {
  return { epoch: e.epoch, batches: e.batches.slice(), lastTimestamp: e.lastTimestamp };
}

function record(
  entry: ProducerEntry,
  epoch: number,
  batch: BatchMetadata,
  timestamp: number,
): ProducerEntry {
  if (epoch !== entry.epoch) {
    entry.epoch = epoch;
    entry.batches = [];
  }
  entry.batches.push(batch);
  if (entry.batches.length > MAX_BATCHES_PER_PRODUCER) entry.batches.shift();
  entry.lastTimestamp = Math.max(entry.lastTimestamp, timestamp);
  return entry;
}

/**
 * Validates the batches of one append in order, each against the state as the earlier ones
 * would leave it, without changing the real state (append() records each batch once its
 * offset is assigned).
 */
export class ProducerAppend {
  private readonly touched = new Map<number, ProducerEntry>();

  constructor(private readonly state: ProducerStateManager) {}

  private entry(producerId: number): ProducerEntry | undefined {
    return this.touched.get(producerId) ?? this.state.get(producerId);
  }

  check(producerId: number, epoch: number, firstSeq: number, lastSeq: number): ProducerCheck {
    const entry = this.entry(producerId);
    if (!entry) return { kind: 'ok' };
    if (epoch < entry.epoch) {
      return {
        kind: 'error',
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `producer ${producerId} epoch ${epoch} is older than current epoch ${entry.epoch}`,
      };
    }
    if (epoch > entry.epoch) {
      if (firstSeq === 0) return { kind: 'ok' };
      return {
        kind: 'error',
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${producerId} new epoch ${epoch} must start at sequence 0, got ${firstSeq}`,
      };
    }
    for (const b of entry.batches) {
      if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) {
        return { kind: 'duplicate', firstOffset: b.firstOffset, lastOffset: b.lastOffset };
      }
    }
    const last = entry.batches[entry.batches.length - 1];
    if (last && !inSequence(last.lastSeq, firstSeq)) {
      return {
        kind: 'error',
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${producerId} expected sequence ${last.lastSeq + 1}, got ${firstSeq}`,
      };
    }
    return { kind: 'ok' };
  }

  add(producerId: number, epoch: number, batch: BatchMetadata, timestamp: number): void {
    const current = this.entry(producerId);
    const entry = current
      ? this.touched.has(producerId)
        ? current
        : cloneEntry(current)
      : { epoch, batches: [], lastTimestamp: timestamp };
    this.touched.set(producerId, record(entry, epoch, batch, timestamp));
  }
}

const SNAPSHOT_VERSION = 1;
const HEADER_SIZE = 2 + 4 + 4;
const ENTRY_FIXED = 8 + 2 + 8 + 1;
const BATCH_SIZE = 4 + 4 + 8 + 8;

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  begin(): ProducerAppend {
    return new ProducerAppend(this);
  }

  /** Records an appended batch, or one read back from the log when rebuilding (no validation). */
  record(producerId: number, epoch: number, batch: BatchMetadata, timestamp: number): void {
    const entry = this.producers.get(producerId) ?? { epoch, batches: [], lastTimestamp: -1 };
    this.producers.set(producerId, record(entry, epoch, batch, timestamp));
  }

  /** Drops producers idle for longer than `expirationMs`. */
  expire(now: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (now - e.lastTimestamp > expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** Drops producers whose last batch is below the log start (Kafka's evictUnretainedProducers). */
  truncateHead(logStartOffset: number): void {
    for (const [id, e] of this.producers) {
      const last = e.batches[e.batches.length - 1];
      if (!last || last.lastOffset < logStartOffset) this.producers.delete(id);
    }
  }

  clear(): void {
    this.producers.clear();
  }

  /** Last offset of each producer's newest batch: compaction keeps those batches. */
  lastBatchOffsets(): Set<number> {
    const out = new Set<number>();
    for (const e of this.producers.values()) {
      const last = e.batches[e.batches.length - 1];
      if (last) out.add(last.lastOffset);
    }
    return out;
  }

  encodeSnapshot(): Buffer {
    let size = HEADER_SIZE;
    for (const e of this.producers.values()) size += ENTRY_FIXED + e.batches.length * BATCH_SIZE;
    const buf = Buffer.alloc(size);
    buf.writeInt16BE(SNAPSHOT_VERSION, 0);
    buf.writeInt32BE(this.producers.size, 6);
    let at = HEADER_SIZE;
    for (const [id, e] of this.producers) {
      writeInt64(buf, at, id);
      buf.writeInt16BE(e.epoch, at + 8);
      writeInt64(buf, at + 10, Math.max(e.lastTimestamp, -1));
      buf.writeInt8(e.batches.length, at + 18);
      at += ENTRY_FIXED;
      for (const b of e.batches) {
        buf.writeInt32BE(b.firstSeq, at);
        buf.writeInt32BE(b.lastSeq, at + 4);
        writeInt64(buf, at + 8, b.firstOffset);
        writeInt64(buf, at + 16, b.lastOffset);
        at += BATCH_SIZE;
      }
    }
    buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
    return buf;
  }

  /** Replaces the state with a snapshot's; false (state untouched) when the bytes are invalid. */
  loadSnapshot(buf: Buffer): boolean {
    if (buf.length < HEADER_SIZE || buf.readInt16BE(0) !== SNAPSHOT_VERSION) return false;
    if (buf.readUInt32BE(2) !== crc32c(buf.subarray(6))) return false;
    const loaded = new Map<number, ProducerEntry>();
    const count = buf.readInt32BE(6);
    let at = HEADER_SIZE;
    for (let i = 0; i < count; i++) {
      if (at + ENTRY_FIXED > buf.length) return false;
      const id = readInt64(buf, at);
      const epoch = buf.readInt16BE(at + 8);
      const lastTimestamp = readInt64(buf, at + 10);
      const n = buf.readInt8(at + 18);
      at += ENTRY_FIXED;
      if (n < 0 || at + n * BATCH_SIZE > buf.length) return false;
      const batches: BatchMetadata[] = [];
      for (let j = 0; j < n; j++) {
        batches.push({
          firstSeq: buf.readInt32BE(at),
          lastSeq: buf.readInt32BE(at + 4),
          firstOffset: readInt64(buf, at + 8),
          lastOffset: readInt64(buf, at + 16),
        });
        at += BATCH_SIZE;
      }
      loaded.set(id, { epoch, batches, lastTimestamp });
    }
    if (at !== buf.length) return false;
    this.producers.clear();
    for (const [id, e] of loaded) this.producers.set(id, e);
    return true;
  }
}
