/** Fetch on a partition log: range checks against the log start and high watermark, retries. */
import { ErrorCode } from '@tributary/kafka-protocol';
import type { ReadResult } from './partition-log.js';
import { readRange, type ReaderContext } from './reader.js';

export interface ReadableLog {
  readonly dir: string;
  readonly logStartOffset: number;
  readonly highWatermark: number;
  /** Changes when segments are removed or replaced. */
  readonly generation: number;
  readonly deps: { logger: (msg: string) => void };
}

export async function readLog(
  ctx: ReaderContext,
  log: ReadableLog,
  offset: number,
  maxBytes: number,
  minOneBatch: boolean,
  allocate?: (size: number) => Buffer,
): Promise<ReadResult> {
  const error = (errorCode: number): ReadResult => ({
    ok: false,
    errorCode,
    highWatermark: log.highWatermark,
    logStartOffset: log.logStartOffset,
  });
  for (let attempt = 0; ; attempt++) {
    if (offset < log.logStartOffset || offset > log.highWatermark) {
      return error(ErrorCode.OFFSET_OUT_OF_RANGE);
    }
    const generation = log.generation;
    try {
      const records =
        offset === log.highWatermark
          ? []
          : await readRange(ctx, offset, maxBytes, minOneBatch, allocate);
      return {
        ok: true,
        records,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        lastStableOffset: log.highWatermark,
      };
    } catch (err) {
      // A segment removed by retention or replaced by compaction under the read: once more.
      if (generation !== log.generation && attempt === 0) continue;
      log.deps.logger(`${log.dir}: read at ${offset} failed: ${(err as Error).message}`);
      return error(ErrorCode.KAFKA_STORAGE_ERROR);
    }
  }
}
