/**
 * Every path inside a partition directory is built here, never by hand elsewhere (jocko once
 * deleted index files by bare name, outside the log directory).
 *
 *   00000000000000000000.log         segment data (record batches back to back)
 *   00000000000000000000.index       sparse offset index: int32 relative offset, int32 position
 *   00000000000000000000.timeindex   time index: int64 timestamp, int32 relative offset
 *   00000000000000000000.snapshot    producer-state snapshot covering offsets below the name
 *   <segment file>.cleaned           compaction output being written (deleted on recovery)
 *   <segment file>.swap              compaction output ready to replace segments (completed on recovery)
 *   log-start-offset.checkpoint      persisted logStartOffset
 *   recovery-point.checkpoint        every segment below this offset is fsynced with valid indexes
 *   cleaner-offset.checkpoint        first offset compaction has not seen yet
 *   .clean-shutdown                  written by close(); lets open skip the recovery scan
 */
import { posix as path } from 'node:path';

export type SegmentFileKind = 'log' | 'index' | 'timeindex';
export type FileSuffix = '' | '.cleaned' | '.swap';

export const SEGMENT_KINDS: readonly SegmentFileKind[] = ['log', 'index', 'timeindex'];

const OFFSET_DIGITS = 20;

export function offsetName(offset: number): string {
  return String(offset).padStart(OFFSET_DIGITS, '0');
}

export function segmentFile(
  dir: string,
  baseOffset: number,
  kind: SegmentFileKind,
  suffix: FileSuffix = '',
): string {
  return path.join(dir, `${offsetName(baseOffset)}.${kind}${suffix}`);
}

export function snapshotFile(dir: string, offset: number): string {
  return path.join(dir, `${offsetName(offset)}.snapshot`);
}

export type CheckpointName = 'log-start-offset' | 'recovery-point' | 'cleaner-offset';

export function checkpointFile(dir: string, name: CheckpointName): string {
  return path.join(dir, `${name}.checkpoint`);
}

export function cleanShutdownFile(dir: string): string {
  return path.join(dir, '.clean-shutdown');
}

/** Full path of an entry returned by readdir. */
export function entryPath(dir: string, name: string): string {
  return path.join(dir, name);
}

export type ParsedName =
  | { type: 'segment'; baseOffset: number; kind: SegmentFileKind; suffix: FileSuffix }
  | { type: 'snapshot'; offset: number }
  | { type: 'temp' }
  | { type: 'other' };

const SEGMENT_RE = /^(\d{20})\.(log|index|timeindex)(\.cleaned|\.swap)?$/;
const SNAPSHOT_RE = /^(\d{20})\.snapshot$/;

export function parseFileName(name: string): ParsedName {
  const seg = SEGMENT_RE.exec(name);
  if (seg) {
    return {
      type: 'segment',
      baseOffset: Number(seg[1]),
      kind: seg[2] as SegmentFileKind,
      suffix: (seg[3] ?? '') as FileSuffix,
    };
  }
  const snap = SNAPSHOT_RE.exec(name);
  if (snap) return { type: 'snapshot', offset: Number(snap[1]) };
  if (name.endsWith('.tmp') || name.endsWith('.deleted')) return { type: 'temp' };
  return { type: 'other' };
}
