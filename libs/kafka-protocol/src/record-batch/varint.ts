/** Zig-zag varints as used inside record batches (records, headers). */

export interface Cursor {
  buf: Buffer;
  pos: number;
}

export function readVarint(c: Cursor): number {
  let result = 0;
  let shift = 0;
  let byte: number;
  do {
    if (c.pos >= c.buf.length) throw new RangeError('varint runs past the end of the buffer');
    if (shift > 28) throw new RangeError('varint is longer than 5 bytes');
    byte = c.buf[c.pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return (result >>> 1) ^ -(result & 1);
}

/** Varlong decoded into a double: exact up to 2^53, which covers timestamps and deltas. */
export function readVarlong(c: Cursor): number {
  let result = 0n;
  let shift = 0n;
  let byte: number;
  do {
    if (c.pos >= c.buf.length) throw new RangeError('varlong runs past the end of the buffer');
    if (shift > 63n) throw new RangeError('varlong is longer than 10 bytes');
    byte = c.buf[c.pos++];
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  return Number((result >> 1n) ^ -(result & 1n));
}

export function varintSize(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

export function writeVarint(out: number[], value: number): void {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

export function writeVarlong(out: number[], value: number): void {
  const big = BigInt(value);
  let v = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n));
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}
