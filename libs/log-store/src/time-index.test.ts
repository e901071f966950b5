import { describe, expect, it } from 'vitest';
import { TimeIndex } from './time-index.js';

describe('TimeIndex', () => {
  it('only appends growing timestamps and finds the last entry strictly before a time', () => {
    const idx = new TimeIndex();
    expect(idx.lastTimestamp()).toBe(-1);
    expect(idx.lookupBefore(100)).toBe(-1);
    idx.maybeAppend(1000, 0);
    idx.maybeAppend(900, 5); // older: ignored
    idx.maybeAppend(2000, 10);
    idx.maybeAppend(2000, 12); // not newer: ignored
    idx.maybeAppend(3000, 20);
    expect(idx.entryCount).toBe(3);
    expect(idx.lookupBefore(1000)).toBe(-1);
    expect(idx.lookupBefore(1001)).toBe(0);
    expect(idx.lookupBefore(2500)).toBe(10);
    expect(idx.lookupBefore(9999)).toBe(20);
    expect([idx.lastTimestamp(), idx.lastRelOffset()]).toEqual([3000, 20]);
  });

  it('round-trips through its file bytes and validates them', () => {
    const idx = new TimeIndex();
    idx.maybeAppend(5_000_000_000_000, 1);
    idx.maybeAppend(5_000_000_000_001, 7);
    const loaded = new TimeIndex(idx.toBuffer());
    expect(loaded.lastTimestamp()).toBe(5_000_000_000_001);
    expect(loaded.isValid(7)).toBe(true);
    expect(loaded.isValid(6)).toBe(false);
  });
});
