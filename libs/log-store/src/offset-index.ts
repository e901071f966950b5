/**
 * Sparse offset index of one segment: entries of (int32 offset relative to the segment base,
 * int32 file position of the batch starting at that offset), one per `indexIntervalBytes` of
 * log. The active segment keeps its index in memory; closed segments' indexes live in
 * `.index` files and are loaded on demand (IndexCache).
 */
import { IndexBuffer } from './index-buffer.js';

export const OFFSET_ENTRY_SIZE = 8;

const relOffsetAt = (buf: Buffer, at: number): number => buf.readInt32BE(at);

export class OffsetIndex {
  private readonly entries: IndexBuffer;

  constructor(fileBytes?: Buffer) {
    this.entries = new IndexBuffer(OFFSET_ENTRY_SIZE, fileBytes);
  }

  get entryCount(): number {
    return this.entries.entries;
  }

  get byteSize(): number {
    return this.entries.byteSize;
  }

  append(relOffset: number, position: number): void {
    const { buf, at } = this.entries.reserve();
    buf.writeInt32BE(relOffset, at);
    buf.writeInt32BE(position, at + 4);
  }

  /** File position of the last indexed batch starting at or before `relOffset` (0 when none). */
  lookup(relOffset: number): number {
    const i = this.entries.searchLast(relOffsetAt, relOffset, false);
    return i < 0 ? 0 : this.entries.view().readInt32BE(i * OFFSET_ENTRY_SIZE + 4);
  }

  /** Position of the last entry, 0 when empty: where a scan for the segment end starts. */
  lastPosition(): number {
    const n = this.entryCount;
    return n === 0 ? 0 : this.entries.view().readInt32BE((n - 1) * OFFSET_ENTRY_SIZE + 4);
  }

  /** Entries strictly increase in both fields and point inside the log. */
  isValid(logSize: number): boolean {
    const v = this.entries.view();
    let prevRel = -1;
    let prevPos = -1;
    for (let at = 0; at < v.length; at += OFFSET_ENTRY_SIZE) {
      const rel = v.readInt32BE(at);
      const pos = v.readInt32BE(at + 4);
      if (rel <= prevRel || pos <= prevPos || pos >= logSize) return false;
      prevRel = rel;
      prevPos = pos;
    }
    return true;
  }

  toBuffer(): Buffer {
    return this.entries.toBuffer();
  }
}
