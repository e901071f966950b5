/** One compaction pass over a log: plan, offset map, rewrite group by group, swap in. */
import { writeCheckpoint } from '../checkpoints.js';
import type { Log } from '../log.js';
import type { Segment } from '../segment.js';
import {
  buildOffsetMap,
  groupSegments,
  planCompaction,
  removeCleaned,
  swapCleaned,
  writeCleaned,
  type CompactionContext,
} from './compact.js';

/** Runs `fn` while every segment of `segs` keeps its file handle open. */
function holdOpen<T>(segs: readonly Segment[], fn: () => Promise<T>): Promise<T> {
  if (segs.length === 0) return fn();
  return segs[0].use(() => holdOpen(segs.slice(1), fn));
}

export async function compactLog(log: Log, now: number): Promise<void> {
  const closed = await log.closedSegments();
  const plan = planCompaction(closed, log.cleanerOffset, log.config, now);
  if (!plan) return;
  const map = await buildOffsetMap(plan.dirty, log.deps.compactionMaxKeys);
  const ctx: CompactionContext = {
    fs: log.deps.fs,
    dir: log.dir,
    config: log.config,
    now,
    handles: log.deps.handles,
    producerLastOffsets: log.producers.lastBatchOffsets(),
  };
  const toClean = plan.cleanable.filter((s) => s.baseOffset < map.endOffset);
  for (const group of groupSegments(toClean, log.config.segmentBytes)) {
    if (log.isOffline) return;
    let cleaned: Segment;
    try {
      cleaned = await writeCleaned(ctx, group, map);
    } catch (err) {
      await removeCleaned(ctx.fs, ctx.dir, group[0].baseOffset);
      throw err;
    }
    // Readers keep using the old segments (open handles, pinned indexes) until the list switches.
    for (const seg of group) {
      const { offsets, times } = await log.indexesOf(seg);
      seg.offsetIndex = offsets;
      seg.timeIndex = times;
    }
    let final: Segment;
    try {
      final = await holdOpen(group, () => swapCleaned(ctx, group, cleaned));
    } catch (err) {
      // The directory is between states only recovery knows how to finish.
      log.fail(err);
      throw err;
    }
    await log.replaceSegments(group, final);
  }
  log.cleanerOffset = map.endOffset;
  await writeCheckpoint(ctx.fs, ctx.dir, 'cleaner-offset', map.endOffset);
  log.deps.logger(`${log.dir}: compacted offsets below ${map.endOffset}`);
}
