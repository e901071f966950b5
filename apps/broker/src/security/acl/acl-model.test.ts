/** Binding validation and filter matching (Kafka's AclBinding / AclBindingFilter rules). */
import { describe, expect, it } from 'vitest';
import {
  AclOperation as Op,
  AclPermission,
  AclResourceType as Type,
  MATCH_ALL_FILTER,
  PatternType,
  bindingProblem,
  filterMatches,
  filterProblem,
  type AclBinding,
  type AclFilter,
} from './acl-model.js';

const binding = (p: Partial<AclBinding> = {}): AclBinding => ({
  resourceType: Type.TOPIC,
  resourceName: 'orders',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permissionType: AclPermission.ALLOW,
  ...p,
});
const filter = (p: Partial<AclFilter>): AclFilter => ({ ...MATCH_ALL_FILTER, ...p });

describe('bindingProblem', () => {
  it('accepts concrete bindings of every Kafka resource type', () => {
    for (const resourceType of [Type.TOPIC, Type.GROUP, Type.TRANSACTIONAL_ID, Type.USER])
      expect(bindingProblem(binding({ resourceType }))).toBeNull();
    expect(bindingProblem(binding({ patternType: PatternType.PREFIXED }))).toBeNull();
    expect(
      bindingProblem(binding({ resourceType: Type.CLUSTER, resourceName: 'kafka-cluster' })),
    ).toBeNull();
  });

  it('refuses filter-only and unknown codes with Kafka-style messages', () => {
    expect(bindingProblem(binding({ resourceType: Type.ANY }))).toBe('Invalid resourceType ANY');
    expect(bindingProblem(binding({ resourceType: 0 }))).toBe('Invalid resourceType UNKNOWN');
    expect(bindingProblem(binding({ patternType: PatternType.ANY }))).toBe(
      'Invalid patternType ANY',
    );
    expect(bindingProblem(binding({ patternType: PatternType.MATCH }))).toBe(
      'Invalid patternType MATCH',
    );
    expect(bindingProblem(binding({ operation: Op.ANY }))).toBe('Invalid operation ANY');
    expect(bindingProblem(binding({ operation: 99 }))).toBe('Invalid operation UNKNOWN');
    expect(bindingProblem(binding({ permissionType: AclPermission.ANY }))).toBe(
      'Invalid permissionType ANY',
    );
  });

  it('refuses empty names, other cluster names and principals without a type', () => {
    expect(bindingProblem(binding({ resourceName: '' }))).toBe('Invalid empty resource name');
    expect(bindingProblem(binding({ resourceType: Type.CLUSTER, resourceName: 'c' }))).toBe(
      'The only valid name for the CLUSTER resource is kafka-cluster',
    );
    expect(bindingProblem(binding({ principal: 'alice' }))).toMatch(/no colon is present/);
    expect(bindingProblem(binding({ host: '' }))).toBe('Invalid empty host');
  });
});

describe('filterMatches', () => {
  const literal = binding({ resourceName: 'orders-eu' });
  const prefixed = binding({ resourceName: 'orders-', patternType: PatternType.PREFIXED });
  const wildcard = binding({ resourceName: '*' });
  const other = binding({ resourceName: 'payments' });
  const all = [literal, prefixed, wildcard, other];
  const select = (f: AclFilter) => all.filter((b) => filterMatches(f, b));

  it('ANY with a name selects bindings of exactly that name, any pattern', () => {
    expect(select(filter({ resourceName: 'orders-' }))).toEqual([prefixed]);
    expect(select(filter({}))).toEqual(all);
  });

  it('MATCH selects every pattern that covers the name', () => {
    expect(select(filter({ resourceName: 'orders-eu', patternType: PatternType.MATCH }))).toEqual([
      literal,
      prefixed,
      wildcard,
    ]);
    expect(select(filter({ resourceName: 'payments', patternType: PatternType.MATCH }))).toEqual([
      wildcard,
      other,
    ]);
  });

  it('LITERAL and PREFIXED select that pattern type only', () => {
    expect(select(filter({ patternType: PatternType.PREFIXED }))).toEqual([prefixed]);
    expect(select(filter({ resourceName: '*', patternType: PatternType.LITERAL }))).toEqual([
      wildcard,
    ]);
  });

  it('matches principal, host, operation and permission exactly (ALL is not a wildcard here)', () => {
    const b = binding({ operation: Op.ALL, principal: 'User:*', host: '10.0.0.1' });
    expect(filterMatches(filter({ principal: 'User:*' }), b)).toBe(true);
    expect(filterMatches(filter({ principal: 'User:alice' }), b)).toBe(false);
    expect(filterMatches(filter({ host: '10.0.0.1' }), b)).toBe(true);
    expect(filterMatches(filter({ host: '*' }), b)).toBe(false);
    expect(filterMatches(filter({ operation: Op.ALL }), b)).toBe(true);
    expect(filterMatches(filter({ operation: Op.READ }), b)).toBe(false);
    expect(filterMatches(filter({ permissionType: AclPermission.DENY }), b)).toBe(false);
    expect(filterMatches(filter({ resourceType: Type.GROUP }), b)).toBe(false);
  });

  it('flags filters with unknown codes', () => {
    expect(filterProblem(MATCH_ALL_FILTER)).toBeNull();
    expect(filterProblem(filter({ resourceType: 0 }))).toMatch(/resource type/);
    expect(filterProblem(filter({ patternType: 9 }))).toMatch(/pattern type/);
    expect(filterProblem(filter({ operation: 0 }))).toMatch(/operation/);
    expect(filterProblem(filter({ permissionType: 0 }))).toMatch(/permission/);
  });
});
