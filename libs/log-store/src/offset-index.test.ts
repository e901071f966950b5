import { describe, expect, it } from 'vitest';
import { OffsetIndex } from './offset-index.js';

describe('OffsetIndex', () => {
  it('looks up the last entry at or before an offset', () => {
    const idx = new OffsetIndex();
    expect(idx.lookup(10)).toBe(0);
    for (let i = 1; i <= 100; i++) idx.append(i * 10, i * 4096);
    expect(idx.entryCount).toBe(100);
    expect(idx.byteSize).toBe(800);
    expect(idx.lookup(5)).toBe(0);
    expect(idx.lookup(10)).toBe(4096);
    expect(idx.lookup(555)).toBe(55 * 4096);
    expect(idx.lookup(1_000_000)).toBe(100 * 4096);
    expect(idx.lastPosition()).toBe(100 * 4096);
  });

  it('round-trips through its file bytes and validates them', () => {
    const idx = new OffsetIndex();
    idx.append(3, 100);
    idx.append(9, 250);
    const loaded = new OffsetIndex(Buffer.concat([idx.toBuffer(), Buffer.from([1, 2, 3])]));
    expect(loaded.entryCount).toBe(2);
    expect(loaded.lookup(8)).toBe(100);
    expect(loaded.isValid(300)).toBe(true);
    expect(loaded.isValid(250)).toBe(false);
    const bad = idx.toBuffer();
    bad.writeInt32BE(2, 8); // relative offsets must increase
    expect(new OffsetIndex(bad).isValid(1000)).toBe(false);
  });
});
