import { describe, expect, it } from 'vitest';
import { DecodeError } from './decode-error.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

describe('Reader', () => {
  it('rejects reads past the end', () => {
    expect(() => new Reader(Buffer.from([0, 1])).int32()).toThrow(DecodeError);
  });

  it('rejects impossible array and string lengths', () => {
    const w = new Writer();
    w.int32(1_000_000);
    expect(() => new Reader(w.toBuffer()).arrayLength(false, false)).toThrow(/cannot fit/);
    const s = new Writer();
    s.int16(-2);
    expect(() => new Reader(s.toBuffer()).string(false, true)).toThrow(DecodeError);
    const n = new Writer();
    n.int16(-1);
    expect(() => new Reader(n.toBuffer()).string(false, false)).toThrow(DecodeError);
    expect(new Reader(n.toBuffer()).string(false, true)).toBeNull();
  });

  it('rejects varints longer than 32 bits', () => {
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f])).uvarint()).toThrow(
      DecodeError,
    );
    expect(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).uvarint()).toBe(0xffffffff);
  });

  it('keeps unknown tagged fields and rejects out-of-order tags', () => {
    const w = new Writer();
    w.taggedFields([[3, (x) => x.int8(7)]], [{ tag: 1, data: Buffer.from('ab') }]);
    const r = new Reader(w.toBuffer());
    const seen: number[] = [];
    const unknown = r.taggedFields((tag, sub) => {
      if (tag !== 3) return false;
      seen.push(sub.int8());
      return true;
    });
    expect(seen).toEqual([7]);
    expect(unknown).toEqual([{ tag: 1, data: Buffer.from('ab') }]);
    const bad = Buffer.from([2, 5, 0, 1, 0]);
    expect(() => new Reader(bad).taggedFields(() => false)).toThrow(/out of order/);
  });

  it('round-trips int64 across the safe range', () => {
    for (const v of [0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 0x1_0000_0000, -0x1_0000_0001]) {
      const w = new Writer();
      w.int64(v);
      expect(new Reader(w.toBuffer()).int64()).toBe(v);
    }
  });
});

describe('Writer', () => {
  it('references large record sets instead of copying them', () => {
    const big = Buffer.alloc(10_000, 1);
    const w = new Writer(8);
    w.int32(5);
    w.records([big, big], false);
    const chunks = w.toBuffers();
    expect(chunks.some((c) => c === big)).toBe(true);
    expect(w.length).toBe(4 + 4 + 20_000);
  });
});
