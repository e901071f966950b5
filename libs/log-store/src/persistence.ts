/**
 * What gets made durable besides the batches themselves: a rolled segment's finalization and
 * the clean-shutdown state. Both only write files; the Log decides when they run.
 */
import type { FileOps } from './fs/file-ops.js';
import type { Segment } from './segment.js';
import { writeSnapshot } from './producer-snapshots.js';
import { writeCheckpoint, writeCleanShutdownMarker } from './checkpoints.js';

/**
 * A rolled segment after its last write: fsync, index files, drop the in-memory indexes.
 * With `checkpoint`, also the producer snapshot and recovery point at the new segment's base
 * (every earlier segment is final by then: finalizations run in roll order).
 */
export async function finalizeSegment(
  fs: FileOps,
  dir: string,
  old: Segment,
  checkpoint: { newBase: number; snapshot: Buffer; keepFrom: number } | null,
): Promise<void> {
  await old.lastWrite;
  await old.sync();
  await old.writeIndexFiles();
  old.offsetIndex = null;
  old.timeIndex = null;
  old.makeEvictable();
  if (!checkpoint) return;
  await writeSnapshot(fs, dir, checkpoint.newBase, checkpoint.snapshot, checkpoint.keepFrom);
  await writeCheckpoint(fs, dir, 'recovery-point', checkpoint.newBase);
}

/** Everything close() leaves behind so the next open can skip recovery. Data must be flushed. */
export async function persistCleanShutdown(
  fs: FileOps,
  dir: string,
  active: Segment,
  state: { logStartOffset: number; logEndOffset: number; snapshot: Buffer; keepFrom: number },
): Promise<void> {
  await active.use(async () => {}); // creates the file of a segment never written to
  active.sealTimeIndex();
  await active.writeIndexFiles();
  await writeSnapshot(fs, dir, state.logEndOffset, state.snapshot, state.keepFrom);
  await writeCheckpoint(fs, dir, 'log-start-offset', state.logStartOffset);
  await writeCheckpoint(fs, dir, 'recovery-point', state.logEndOffset);
  await writeCleanShutdownMarker(fs, dir);
}
