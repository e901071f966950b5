/**
 * Retention (cleanup.policy=delete), as Kafka's UnifiedLog.deleteOldSegments decides it: the
 * oldest segments go while any rule holds, stopping at the first segment no rule removes.
 * - retention.ms: the segment's max timestamp is older than now - retentionMs. A segment with
 *   no timestamps (-1) never expires by time; an empty closed segment always may go.
 * - retention.bytes: the log would still be at least retentionBytes without the segment.
 * - log start: every offset of the segment is below logStartOffset (DeleteRecords).
 * The active segment goes only by time or log start, and only after a roll (Kafka does the
 * same): `rollActive` tells the caller to roll first.
 * With tiered storage the limits (then the local.retention.* values) delete only segments
 * below `deletableBelow` — those whose copy to remote storage is confirmed.
 */
import type { LogConfig } from '../partition-log.js';

export interface RetentionSegment {
  baseOffset: number;
  /** Log bytes. */
  size: number;
  maxTimestamp: number;
  /** Offset after the segment's last batch. */
  nextOffset: number;
}

export interface RetentionDecision {
  /** How many of the oldest segments to delete. */
  deleteCount: number;
  /** The active (last) segment is among them: roll before deleting. */
  rollActive: boolean;
}

type Limits = Pick<LogConfig, 'retentionMs' | 'retentionBytes'> & {
  applyRetention: boolean;
  /** Limits may delete only segments ending at or below this offset (default: any). */
  deletableBelow?: number;
};

export function selectSegmentsToDelete(
  segments: readonly RetentionSegment[],
  limits: Limits,
  now: number,
  logStartOffset: number,
): RetentionDecision {
  const last = segments.length - 1;
  let excess = -1;
  if (limits.applyRetention && limits.retentionBytes >= 0) {
    let total = 0;
    for (const s of segments) total += s.size;
    excess = total - limits.retentionBytes;
  }
  let count = 0;
  for (let i = 0; i <= last; i++) {
    const s = segments[i];
    const active = i === last;
    if (active && s.size === 0) break;
    const belowStart = active
      ? s.nextOffset <= logStartOffset
      : segments[i + 1].baseOffset <= logStartOffset;
    const copied = s.nextOffset <= (limits.deletableBelow ?? Number.MAX_SAFE_INTEGER);
    const expired =
      copied &&
      limits.applyRetention &&
      limits.retentionMs >= 0 &&
      ((s.size === 0 && !active) ||
        (s.maxTimestamp >= 0 && s.maxTimestamp < now - limits.retentionMs));
    const oversize = copied && !active && excess >= 0 && excess - s.size >= 0;
    if (!belowStart && !expired && !oversize) break;
    if (excess >= 0) excess -= s.size;
    count = i + 1;
  }
  return { deleteCount: count, rollActive: count > last && last >= 0 };
}
