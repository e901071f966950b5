/**
 * The exact difference between the ACLs a pool should have and those a broker has: every
 * binding of the spec that is missing is created, every binding the broker has that the spec
 * does not list is deleted (the control plane owns a pool's ACLs).
 */
import type { AclBinding } from '@tributary/contracts';

const FIELDS = [
  'resourceType',
  'resourceName',
  'patternType',
  'principal',
  'host',
  'operation',
  'permissionType',
] as const;

export function aclKey(b: AclBinding): string {
  return JSON.stringify(FIELDS.map((f) => b[f]));
}

export function diffAcls(
  desired: readonly AclBinding[],
  current: readonly AclBinding[],
): { create: AclBinding[]; remove: AclBinding[] } {
  const want = new Map(desired.map((b) => [aclKey(b), b]));
  const have = new Map(current.map((b) => [aclKey(b), b]));
  return {
    create: [...want].filter(([k]) => !have.has(k)).map(([, b]) => b),
    remove: [...have].filter(([k]) => !want.has(k)).map(([, b]) => b),
  };
}
