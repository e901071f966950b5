/**
 * Bounds-checked reader over one Kafka frame. Every read past the end, negative length or
 * impossible count throws DecodeError, so a malformed frame never yields partial garbage.
 */
import { DecodeError } from './decode-error.js';
import type { TaggedField } from './tagged-field.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    pos = 0,
  ) {
    this.pos = pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new DecodeError(`need ${n} bytes at ${this.pos}, frame has ${this.buf.length}`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** int64 as a double; exact for every value in ±2^53 (offsets, timestamps, ids). */
  int64(): number {
    this.need(8);
    const v = this.buf.readInt32BE(this.pos) * 0x1_0000_0000 + this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const byte = this.buf[this.pos++];
      if (shift === 28 && byte > 0x0f) throw new DecodeError('unsigned varint overflows 32 bits');
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }

  uuid(): string {
    this.need(16);
    const hex = this.buf.toString('hex', this.pos, this.pos + 16);
    this.pos += 16;
    if (hex === '00000000000000000000000000000000') return ZERO_UUID;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Length of a string/bytes/array: -1 means null. */
  private length(compact: boolean, wide: boolean): number {
    if (compact) return this.uvarint() - 1;
    return wide ? this.int32() : this.int16();
  }

  string(compact: boolean, nullable: boolean): string | null {
    const len = this.length(compact, false);
    if (len < 0) {
      if (len === -1 && nullable) return null;
      throw new DecodeError(`invalid string length ${len}`);
    }
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** Bytes share memory with the frame (no copy). */
  bytes(compact: boolean, nullable: boolean): Buffer | null {
    const len = this.length(compact, true);
    if (len < 0) {
      if (len === -1 && nullable) return null;
      throw new DecodeError(`invalid bytes length ${len}`);
    }
    this.need(len);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  /** Array length, checked against the bytes left (every element takes at least one byte). */
  arrayLength(compact: boolean, nullable: boolean): number {
    const len = this.length(compact, true);
    if (len < 0) {
      if (len === -1 && nullable) return -1;
      throw new DecodeError(`invalid array length ${len}`);
    }
    if (len > this.remaining)
      throw new DecodeError(`array of ${len} cannot fit in ${this.remaining} bytes`);
    return len;
  }

  array<T>(compact: boolean, nullable: boolean, read: (r: Reader) => T): T[] | null {
    const len = this.arrayLength(compact, nullable);
    if (len < 0) return null;
    const out = new Array<T>(len);
    for (let i = 0; i < len; i++) out[i] = read(this);
    return out;
  }

  /**
   * Reads a tagged-field section. `known` consumes a tag it understands (reading exactly
   * `size` bytes) and returns true; other tags are kept raw.
   */
  taggedFields(known: (tag: number, r: Reader) => boolean): TaggedField[] | undefined {
    const count = this.uvarint();
    let unknown: TaggedField[] | undefined;
    let lastTag = -1;
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      if (tag <= lastTag)
        throw new DecodeError(`tagged fields out of order (${tag} after ${lastTag})`);
      lastTag = tag;
      const size = this.uvarint();
      this.need(size);
      const end = this.pos + size;
      const sub = new Reader(this.buf.subarray(0, end), this.pos);
      if (known(tag, sub)) {
        if (sub.pos !== end)
          throw new DecodeError(`tagged field ${tag} has ${end - sub.pos} stray bytes`);
      } else {
        (unknown ??= []).push({ tag, data: this.buf.subarray(this.pos, end) });
      }
      this.pos = end;
    }
    return unknown;
  }
}
