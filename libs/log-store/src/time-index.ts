/**
 * Time index of one segment: entries of (int64 timestamp, int32 offset relative to the segment
 * base), appended only when the segment's max timestamp grows (so timestamps strictly
 * increase). The offset is the base offset of the batch that first reached that timestamp.
 * The last entry carries the segment's max timestamp once the segment is closed.
 */
import { readInt64, writeInt64 } from '@tributary/kafka-protocol';
import { IndexBuffer } from './index-buffer.js';

export const TIME_ENTRY_SIZE = 12;

const timestampAt = (buf: Buffer, at: number): number => readInt64(buf, at);

export class TimeIndex {
  private readonly entries: IndexBuffer;

  constructor(fileBytes?: Buffer) {
    this.entries = new IndexBuffer(TIME_ENTRY_SIZE, fileBytes);
  }

  get entryCount(): number {
    return this.entries.entries;
  }

  get byteSize(): number {
    return this.entries.byteSize;
  }

  /** Timestamp of the last entry, or -1 when empty. */
  lastTimestamp(): number {
    const n = this.entryCount;
    return n === 0 ? -1 : readInt64(this.entries.view(), (n - 1) * TIME_ENTRY_SIZE);
  }

  /** Relative offset of the last entry, or -1 when empty. */
  lastRelOffset(): number {
    const n = this.entryCount;
    return n === 0 ? -1 : this.entries.view().readInt32BE((n - 1) * TIME_ENTRY_SIZE + 8);
  }

  /** Appends unless the timestamp does not grow past the last entry. */
  maybeAppend(timestamp: number, relOffset: number): void {
    if (this.entryCount > 0 && timestamp <= this.lastTimestamp()) return;
    const { buf, at } = this.entries.reserve();
    writeInt64(buf, at, timestamp);
    buf.writeInt32BE(relOffset, at + 8);
  }

  /**
   * Relative offset of the last entry with a timestamp strictly below `timestamp`, or -1.
   * Every batch before that offset has a max timestamp below `timestamp`, so a scan for the
   * first batch reaching `timestamp` may start there.
   */
  lookupBefore(timestamp: number): number {
    const i = this.entries.searchLast(timestampAt, timestamp, true);
    return i < 0 ? -1 : this.entries.view().readInt32BE(i * TIME_ENTRY_SIZE + 8);
  }

  isValid(maxRelOffset: number): boolean {
    const v = this.entries.view();
    let prevTs = Number.NEGATIVE_INFINITY;
    let prevRel = -1;
    for (let at = 0; at < v.length; at += TIME_ENTRY_SIZE) {
      const ts = readInt64(v, at);
      const rel = v.readInt32BE(at + 8);
      if (ts <= prevTs || rel < prevRel || rel > maxRelOffset) return false;
      prevTs = ts;
      prevRel = rel;
    }
    return true;
  }

  toBuffer(): Buffer {
    return this.entries.toBuffer();
  }
}
