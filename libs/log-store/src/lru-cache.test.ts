import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entries beyond its weight', () => {
    const evicted: string[] = [];
    const lru = new LruCache<string, number>(10, (k) => evicted.push(k));
    lru.set('a', 1, 4);
    lru.set('b', 2, 4);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3, 4);
    expect(evicted).toEqual(['b']);
    expect(lru.has('a')).toBe(true);
    expect(lru.weight).toBe(8);
    lru.set('huge', 4, 100);
    expect(lru.size).toBe(1);
    expect(evicted).toEqual(['b', 'a', 'c']);
  });
});
