/**
 * Remote-segment metadata, as in Kafka's RemoteLogSegmentMetadata (KIP-405). One record per
 * copy attempt (upload id); its state only moves forward:
 *   COPY_SEGMENT_STARTED → COPY_SEGMENT_FINISHED → DELETE_SEGMENT_STARTED → DELETE_SEGMENT_FINISHED
 * A failed or interrupted copy goes COPY_SEGMENT_STARTED → DELETE_SEGMENT_STARTED → ..._FINISHED
 * (its partial objects are removed). Only COPY_SEGMENT_FINISHED segments are read.
 */
export type RemoteSegmentState =
  | 'COPY_SEGMENT_STARTED'
  | 'COPY_SEGMENT_FINISHED'
  | 'DELETE_SEGMENT_STARTED'
  | 'DELETE_SEGMENT_FINISHED';

const ORDER: Record<RemoteSegmentState, number> = {
  COPY_SEGMENT_STARTED: 0,
  COPY_SEGMENT_FINISHED: 1,
  DELETE_SEGMENT_STARTED: 2,
  DELETE_SEGMENT_FINISHED: 3,
};

export interface RemoteSegment {
  uploadId: string;
  baseOffset: number;
  /** Last offset in the segment (inclusive), as Kafka's endOffset. */
  endOffset: number;
  /** Largest batch timestamp, -1 when none. */
  maxTimestamp: number;
  /** Bytes of the .log object. */
  segmentBytes: number;
  /** Bytes of every object of the segment (log, indexes, snapshot); known once copied. */
  objectBytes: number;
  /** Whether a producer-state snapshot was copied with it. */
  hasSnapshot: boolean;
  state: RemoteSegmentState;
  /** Wall clock of the last state change. */
  eventTimestamp: number;
}

/** Whether `next` is a legal successor of `current` (a repeat is legal: retries repeat states). */
export function isValidTransition(current: RemoteSegmentState, next: RemoteSegmentState): boolean {
  if (current === next) return true;
  if (current === 'COPY_SEGMENT_STARTED') return next !== 'DELETE_SEGMENT_FINISHED';
  return ORDER[next] === ORDER[current] + 1;
}
