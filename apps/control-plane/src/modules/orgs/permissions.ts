/**
 * What each organization role may do. Every endpoint names one permission; the access
 * service checks it against the caller's membership in the resource's organization.
 */
import type { Role } from '@tributary/db';

export type Permission =
  | 'org:read'
  | 'org:manage'
  | 'members:read'
  | 'members:manage'
  | 'env:read'
  | 'env:manage'
  | 'cluster:read'
  | 'cluster:manage'
  | 'topic:read'
  | 'topic:manage'
  | 'sa:read'
  | 'sa:manage'
  | 'apikey:read'
  | 'apikey:manage'
  | 'acl:read'
  | 'acl:manage'
  | 'operation:read'
  | 'audit:read';

const READ_RESOURCES: Permission[] = [
  'org:read',
  'members:read',
  'env:read',
  'cluster:read',
  'topic:read',
  'sa:read',
  'apikey:read',
  'acl:read',
  'operation:read',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  OrgAdmin: new Set<Permission>([
    ...READ_RESOURCES,
    'org:manage',
    'members:manage',
    'env:manage',
    'cluster:manage',
    'topic:manage',
    'sa:manage',
    'apikey:manage',
    'acl:manage',
    'audit:read',
  ]),
  EnvironmentAdmin: new Set<Permission>([
    ...READ_RESOURCES,
    'env:manage',
    'cluster:manage',
    'topic:manage',
    'sa:manage',
    'apikey:manage',
    'acl:manage',
    'audit:read',
  ]),
  Developer: new Set<Permission>([...READ_RESOURCES, 'topic:manage', 'apikey:manage']),
  BillingAdmin: new Set<Permission>(['org:read', 'members:read', 'audit:read']),
  Viewer: new Set<Permission>(READ_RESOURCES),
};
