import { describe, expect, it } from 'vitest';
import { duplicateIndexes, duplicateValues } from './duplicates.js';

describe('duplicates', () => {
  it('finds values given more than once, in first-occurrence order', () => {
    expect([...duplicateValues(['b', 'a', 'b', 'c', 'a', 'b'])]).toEqual(['b', 'a']);
    expect(duplicateValues(['a', 'b']).size).toBe(0);
  });

  it('marks every occurrence of a duplicate', () => {
    expect([...duplicateIndexes(['x', 'y', 'x', 'z'])]).toEqual([0, 2]);
  });
});
