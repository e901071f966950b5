/**
 * Which remote segments retention removes (Kafka's RemoteLogManager retention pass), oldest
 * first while any rule holds, stopping at the first segment no rule removes:
 * - retention.ms: the segment's max timestamp is older than now - retentionMs;
 * - retention.bytes (total, local + remote): the partition would still hold at least
 *   retentionBytes without it — the total is the remote bytes plus the local bytes not yet
 *   copied (copied local segments are the same data);
 * - log start: every offset of the segment is below the log start (DeleteRecords).
 */
import type { RemoteSegment } from './remote-segment.js';

export interface RemoteRetentionLimits {
  /** -1: no limit. */
  retentionMs: number;
  /** -1: no limit. */
  retentionBytes: number;
}

/** How many of `copied` (COPY_SEGMENT_FINISHED, by base offset) to delete. */
export function selectRemoteSegmentsToDelete(
  copied: readonly RemoteSegment[],
  limits: RemoteRetentionLimits,
  now: number,
  logStartOffset: number,
  localOnlyBytes: number,
): number {
  let excess = -1;
  if (limits.retentionBytes >= 0) {
    let total = localOnlyBytes;
    for (const s of copied) total += s.segmentBytes;
    excess = total - limits.retentionBytes;
  }
  let count = 0;
  for (const s of copied) {
    const belowStart = s.endOffset < logStartOffset;
    const expired =
      limits.retentionMs >= 0 && s.maxTimestamp >= 0 && s.maxTimestamp < now - limits.retentionMs;
    const oversize = excess >= 0 && excess - s.segmentBytes >= 0;
    if (!belowStart && !expired && !oversize) break;
    if (excess >= 0) excess -= s.segmentBytes;
    count++;
  }
  return count;
}
