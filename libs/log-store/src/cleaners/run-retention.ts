/** Applies a retention decision (cleaners/delete.ts) to a log: roll if needed, move the log start, delete. */
import { writeCheckpoint } from '../checkpoints.js';
import type { Log } from '../log.js';
import { selectSegmentsToDelete } from './delete.js';

/** `applyLimits` false: only segments entirely below the log start go (DeleteRecords, compact-only topics). */
export async function applyRetention(log: Log, now: number, applyLimits: boolean): Promise<void> {
  const { retentionMs, retentionBytes } = log.config;
  const decision = selectSegmentsToDelete(
    log.segments,
    {
      retentionMs,
      retentionBytes,
      applyRetention: applyLimits,
      deletableBelow: log.tieredUpTo ?? Number.MAX_SAFE_INTEGER,
    },
    now,
    log.logStartOffset,
  );
  if (decision.deleteCount === 0) return;
  if (decision.rollActive) log.roll();
  // Rolled segments must be written and finalized before their files may go.
  await log.finalized();
  const victims = log.segments.slice(0, decision.deleteCount);
  const newStart = Math.max(log.logStartOffset, log.segments[decision.deleteCount].baseOffset);
  if (newStart > log.logStartOffset) {
    log.logStartOffset = newStart;
    await writeCheckpoint(log.deps.fs, log.dir, 'log-start-offset', newStart);
  }
  log.deps.logger(`${log.dir}: deleting ${victims.length} segment(s) below offset ${newStart}`);
  await log.replaceSegments(victims, null);
  log.producers.truncateHead(log.logStartOffset);
}
