import { describe, expect, it } from 'vitest';
import { diffAcls } from './acl-diff.js';

describe('diffAcls', () => {
  it('is exact: every field counts', () => {
    const a = {
      resourceType: 'TOPIC' as const,
      resourceName: 'orders',
      patternType: 'LITERAL' as const,
      principal: 'User:a',
      host: '*',
      operation: 'READ' as const,
      permissionType: 'ALLOW' as const,
    };
    const b = { ...a, operation: 'WRITE' as const };
    const c = { ...a, host: '10.0.0.1' };
    expect(diffAcls([a, b], [b, c])).toEqual({ create: [a], remove: [c] });
    expect(diffAcls([a], [a])).toEqual({ create: [], remove: [] });
  });
});
