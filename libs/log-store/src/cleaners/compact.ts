/**
 * Log compaction (cleanup.policy=compact), after Kafka's LogCleaner:
 * 1. The cleanable range is the closed segments from the log start up to the first one whose
 *    max timestamp is newer than now - minCompactionLagMs. It is cleaned when its dirty part
 *    (offsets >= the cleaner checkpoint) is at least minCleanableDirtyRatio of its bytes.
 * 2. An offset map (key -> latest offset) is built from the dirty part; keys longer than 32
 *    bytes are replaced by their SHA-1, and building stops after the segment where the map
 *    passes `maxKeys`, which bounds memory.
 * 3. Consecutive segments are grouped (up to segmentBytes) and each group is rewritten into one
 *    segment: a record survives when no later offset has its key; null-key records are dropped
 *    (the broker rejects them on compacted topics); tombstones (null value) are dropped once
 *    their timestamp is older than now - deleteRetentionMs (record timestamp rather than Kafka's
 *    delete-horizon attribute). A batch that loses no record is copied byte for byte; one that
 *    loses some is rebuilt uncompressed with its base offset, last offset delta, producer id,
 *    epoch, base sequence and timestamps unchanged, so every offset stays where it was. The
 *    newest batch of each known producer is kept (possibly empty) so idempotence survives.
 * 4. Swap, each step recoverable: write `.cleaned` files and fsync; rename them to `.swap`
 *    (log first); delete the old segments; rename the `.swap` files into place (log last).
 *    Recovery deletes `.cleaned` leftovers and completes any `.log.swap` (see recovery.ts).
 */
import { createHash } from 'node:crypto';
import {
  Attributes,
  buildBatch,
  decodeRecords,
  isControl,
  isTransactional,
  readBatchHeader,
  type KafkaRecord,
} from '@tributary/kafka-protocol';
import { writeFully, type FileHandle, type FileOps } from '../fs/file-ops.js';
import { segmentFile, SEGMENT_KINDS } from '../file-names.js';
import type { LogConfig } from '../partition-log.js';
import { OffsetIndex } from '../offset-index.js';
import { TimeIndex } from '../time-index.js';
import { scanBatches } from '../batch-scan.js';
import { recordTimestamp } from '../reader.js';
import { Segment, type HandleCache } from '../segment.js';

const CHUNK = 1 << 20;
const INT32_MAX = 0x7fff_ffff;

export interface CompactionContext {
  fs: FileOps;
  dir: string;
  config: LogConfig;
  now: number;
  handles: HandleCache;
  /** Last offsets of every known producer's newest batch: those batches are always kept. */
  producerLastOffsets: ReadonlySet<number>;
}

export interface CompactionPlan {
  /** Segments that will be rewritten (clean and dirty parts). */
  cleanable: Segment[];
  dirty: Segment[];
}

export function planCompaction(
  closed: readonly Segment[],
  firstDirtyOffset: number,
  config: LogConfig,
  now: number,
): CompactionPlan | null {
  const cleanable: Segment[] = [];
  for (const seg of closed) {
    if (seg.maxTimestamp > now - config.minCompactionLagMs) break;
    cleanable.push(seg);
  }
  const dirty = cleanable.filter((s) => s.nextOffset > firstDirtyOffset);
  let total = 0;
  let dirtyBytes = 0;
  for (const s of cleanable) total += s.size;
  for (const s of dirty) dirtyBytes += s.size;
  if (dirty.length === 0 || total === 0) return null;
  if (dirtyBytes / total < config.minCleanableDirtyRatio) return null;
  return { cleanable, dirty };
}

function keyId(key: Buffer): string {
  return key.length <= 32
    ? `k${key.toString('latin1')}`
    : `h${createHash('sha1').update(key).digest().toString('latin1')}`;
}

export interface OffsetMap {
  latest: Map<string, number>;
  /** Offset up to which the map covers the log (next offset of the last mapped segment). */
  endOffset: number;
}

export async function buildOffsetMap(
  dirty: readonly Segment[],
  maxKeys: number,
): Promise<OffsetMap> {
  const latest = new Map<string, number>();
  let endOffset = dirty[0]?.baseOffset ?? 0;
  for (const seg of dirty) {
    await seg.use((h) =>
      scanBatches(h, 0, seg.size, { wholeBatch: true, chunkSize: CHUNK }, (buf, at, _pos, size) => {
        const batch = buf.subarray(at, at + size);
        const header = readBatchHeader(batch);
        if (isControl(header.attributes)) return false;
        for (const r of decodeRecords(batch)) {
          if (r.key) latest.set(keyId(r.key), header.baseOffset + r.offsetDelta);
        }
        return false;
      }),
    );
    endOffset = seg.nextOffset;
    if (latest.size >= maxKeys) break;
  }
  return { latest, endOffset };
}

/** Consecutive segments merged into one output each, bounded by segmentBytes and int32 offsets. */
export function groupSegments(segments: readonly Segment[], maxBytes: number): Segment[][] {
  const groups: Segment[][] = [];
  let current: Segment[] = [];
  let bytes = 0;
  for (const seg of segments) {
    const first = current[0];
    if (
      first &&
      (bytes + seg.size > maxBytes || seg.nextOffset - 1 - first.baseOffset > INT32_MAX)
    ) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(seg);
    bytes += seg.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function survives(
  r: KafkaRecord,
  offset: number,
  batch: Buffer,
  map: OffsetMap,
  tombstoneHorizon: number,
): boolean {
  if (!r.key) return false;
  const latest = map.latest.get(keyId(r.key));
  if (latest !== undefined && offset < latest) return false;
  if (r.value === null && recordTimestamp(batch, r.timestampDelta) < tombstoneHorizon) return false;
  return true;
}

/** The compacted form of one batch, or null when nothing of it needs to stay. */
function cleanBatch(batch: Buffer, map: OffsetMap, ctx: CompactionContext): Buffer | null {
  const h = readBatchHeader(batch);
  if (isControl(h.attributes)) return null;
  const records = decodeRecords(batch);
  const horizon = ctx.now - ctx.config.deleteRetentionMs;
  const kept = records.filter((r) =>
    survives(r, h.baseOffset + r.offsetDelta, batch, map, horizon),
  );
  if (kept.length === records.length) return Buffer.from(batch);
  const lastOffset = h.baseOffset + h.lastOffsetDelta;
  if (kept.length === 0 && !(h.producerId >= 0 && ctx.producerLastOffsets.has(lastOffset))) {
    return null;
  }
  return buildBatch({
    baseOffset: h.baseOffset,
    baseTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    transactional: isTransactional(h.attributes),
    logAppendTime: (h.attributes & Attributes.timestampTypeLogAppend) !== 0,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    lastOffsetDelta: h.lastOffsetDelta,
    records: kept,
  });
}

/** Writes the compacted form of `group` as `<base>.{log,index,timeindex}.cleaned`, fsynced. */
export async function writeCleaned(
  ctx: CompactionContext,
  group: readonly Segment[],
  map: OffsetMap,
): Promise<Segment> {
  const base = group[0].baseOffset;
  const out = new Segment(ctx.fs, ctx.dir, base, ctx.handles, '.cleaned');
  out.offsetIndex = new OffsetIndex();
  out.timeIndex = new TimeIndex();
  const handle: FileHandle = await ctx.fs.open(out.logPath, 'create');
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let written = 0;
    const drain = async (): Promise<void> => {
      await writeFully(handle, pending, written);
      written += pendingBytes;
      pending = [];
      pendingBytes = 0;
    };
    for (const seg of group) {
      await seg.use((h) =>
        scanBatches(
          h,
          0,
          seg.size,
          { wholeBatch: true, chunkSize: CHUNK },
          async (buf, at, _p, size) => {
            const cleaned = cleanBatch(buf.subarray(at, at + size), map, ctx);
            if (!cleaned) return false;
            const header = readBatchHeader(cleaned);
            const position = written + pendingBytes;
            out.trackBatch(
              header.baseOffset,
              header.baseOffset + header.lastOffsetDelta,
              header.maxTimestamp,
              position,
              cleaned.length,
              ctx.config.indexIntervalBytes,
            );
            pending.push(cleaned);
            pendingBytes += cleaned.length;
            if (pendingBytes >= CHUNK) await drain();
            return false;
          },
        ),
      );
    }
    await drain();
    await handle.sync();
  } finally {
    await handle.close();
  }
  out.sealTimeIndex();
  await out.writeIndexFiles();
  out.writtenSize = out.syncedSize = out.size;
  out.nextOffset = group[group.length - 1].nextOffset;
  return out;
}

/**
 * Replaces `group` on disk by the cleaned segment (steps documented above) and returns the
 * segment object for the final file names. The caller keeps the old segments readable (open
 * handles, pinned indexes) until it switches its in-memory list.
 */
export async function swapCleaned(
  ctx: CompactionContext,
  group: readonly Segment[],
  cleaned: Segment,
): Promise<Segment> {
  const { fs, dir } = ctx;
  const base = cleaned.baseOffset;
  for (const kind of SEGMENT_KINDS) {
    await fs.rename(
      segmentFile(dir, base, kind, '.cleaned'),
      segmentFile(dir, base, kind, '.swap'),
    );
  }
  await fs.syncDir(dir);
  for (const seg of group) {
    for (const kind of SEGMENT_KINDS) await fs.unlink(segmentFile(dir, seg.baseOffset, kind));
  }
  await fs.syncDir(dir);
  for (const kind of ['index', 'timeindex', 'log'] as const) {
    await fs.rename(segmentFile(dir, base, kind, '.swap'), segmentFile(dir, base, kind));
  }
  await fs.syncDir(dir);
  const final = new Segment(fs, dir, base, ctx.handles);
  final.size = final.writtenSize = final.syncedSize = cleaned.size;
  final.nextOffset = cleaned.nextOffset;
  final.maxTimestamp = cleaned.maxTimestamp;
  final.offsetOfMaxTimestamp = cleaned.offsetOfMaxTimestamp;
  final.indexFileBytes = cleaned.indexFileBytes;
  final.makeEvictable();
  return final;
}

/** Best-effort removal of `.cleaned` output after a failed compaction. */
export async function removeCleaned(fs: FileOps, dir: string, base: number): Promise<void> {
  for (const kind of SEGMENT_KINDS) {
    await fs.unlink(segmentFile(dir, base, kind, '.cleaned')).catch(() => {});
  }
}
