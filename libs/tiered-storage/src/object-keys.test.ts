import { describe, expect, it } from 'vitest';
import {
  newUploadId,
  parseSegmentObjectKey,
  partitionPrefix,
  segmentObjectKey,
} from './object-keys.js';

describe('object keys', () => {
  it('follow clusters/{clusterId}/topics/{topicId}/{partition:010}/{baseOffset:020}-{uploadId}.kind', () => {
    const p = partitionPrefix('pre/', 'lkc-1', 'Tq3l8cIXQmuDqjw4gXzYbA', 7);
    expect(p).toBe('pre/clusters/lkc-1/topics/Tq3l8cIXQmuDqjw4gXzYbA/0000000007/');
    const id = newUploadId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const key = segmentObjectKey(p, 1234, id, 'timeindex');
    expect(key).toBe(`${p}00000000000000001234-${id}.timeindex`);
    expect(parseSegmentObjectKey(key)).toEqual({
      baseOffset: 1234,
      uploadId: id,
      kind: 'timeindex',
    });
    expect(parseSegmentObjectKey(`${p}garbage`)).toBeNull();
  });

  it('sort by offset as strings', () => {
    const keys = [100, 9, 1_000_000_000_000].map((o) => segmentObjectKey('', o, 'u', 'log'));
    expect([...keys].sort()).toEqual([keys[1], keys[0], keys[2]]);
  });

  it('refuses parts that would change the layout', () => {
    expect(() => partitionPrefix('', 'a/b', 't', 0)).toThrow(/cluster id/);
    expect(() => partitionPrefix('', 'c', 't', -1)).toThrow(/partition/);
  });
});
