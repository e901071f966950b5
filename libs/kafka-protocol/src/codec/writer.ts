/**
 * Encoder that produces a list of buffers. Scalars go into a growing scratch buffer; large
 * record sets are appended as separate chunks without copying, so a Fetch response can hand
 * segment bytes straight to the socket.
 */
import type { TaggedField } from './tagged-field.js';

/** Record sets at least this large are referenced, not copied. */
const COPY_THRESHOLD = 4096;

export type RecordsData = Buffer | readonly Buffer[] | null;

export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private start = 0;
  private pos = 0;
  private flushed = 0;

  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + (this.pos - this.start);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
    this.start = 0;
    this.pos = 0;
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos++);
  }

  bool(v: boolean): void {
    this.int8(v ? 1 : 0);
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  int64(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / 0x1_0000_0000);
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(v - hi * 0x1_0000_0000, this.pos + 4);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  uvarint(v: number): void {
    this.ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
  }

  uuid(v: string): void {
    this.ensure(16);
    const hex = v.replace(/-/g, '');
    if (hex.length !== 32) throw new RangeError(`not a UUID: ${v}`);
    this.buf.write(hex, this.pos, 16, 'hex');
    this.pos += 16;
  }

  private length_(len: number, compact: boolean, wide: boolean): void {
    if (compact) this.uvarint(len + 1);
    else if (wide) this.int32(len);
    else this.int16(len);
  }

  string(v: string | null, compact: boolean): void {
    if (v === null) {
      this.length_(-1, compact, false);
      return;
    }
    const len = Buffer.byteLength(v, 'utf8');
    this.length_(len, compact, false);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, 'utf8');
  }

  raw(data: Buffer): void {
    if (data.length >= COPY_THRESHOLD) {
      this.flush();
      this.chunks.push(data);
      this.flushed += data.length;
      return;
    }
    this.ensure(data.length);
    data.copy(this.buf, this.pos);
    this.pos += data.length;
  }

  bytes(v: Buffer | null, compact: boolean): void {
    if (v === null) {
      this.length_(-1, compact, true);
      return;
    }
    this.length_(v.length, compact, true);
    this.raw(v);
  }

  records(v: RecordsData, compact: boolean): void {
    if (v === null) {
      this.length_(-1, compact, true);
      return;
    }
    if (Buffer.isBuffer(v)) {
      this.bytes(v, compact);
      return;
    }
    let total = 0;
    for (const b of v) total += b.length;
    this.length_(total, compact, true);
    for (const b of v) this.raw(b);
  }

  arrayLength(len: number, compact: boolean): void {
    this.length_(len, compact, true);
  }

  array<T>(v: readonly T[] | null, compact: boolean, write: (w: Writer, item: T) => void): void {
    if (v === null) {
      this.length_(-1, compact, true);
      return;
    }
    this.length_(v.length, compact, true);
    for (const item of v) write(this, item);
  }

  /**
   * Writes a tagged-field section: `known` lists (tag, encoder) pairs for fields whose value
   * differs from the default; unknown fields kept from decoding are merged in tag order.
   */
  taggedFields(
    known: Array<[number, (w: Writer) => void]>,
    unknown: readonly TaggedField[] | undefined,
  ): void {
    const all: Array<[number, Buffer]> = known.map(([tag, enc]) => {
      const sub = new Writer(64);
      enc(sub);
      return [tag, sub.toBuffer()];
    });
    if (unknown) for (const f of unknown) all.push([f.tag, f.data]);
    if (all.length > 1) all.sort((a, b) => a[0] - b[0]);
    this.uvarint(all.length);
    for (const [tag, data] of all) {
      this.uvarint(tag);
      this.uvarint(data.length);
      this.raw(data);
    }
  }

  /** Empty tagged-field section: the common case, one zero byte. */
  noTaggedFields(): void {
    this.int8(0);
  }

  toBuffers(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  toBuffer(): Buffer {
    const chunks = this.toBuffers();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.flushed);
  }
}
