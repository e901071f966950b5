/**
 * Branded ids. A tenant-scoped repository takes an `OrgId`, so a query cannot be written
 * without the organization it is scoped to; ids are random, prefixed by kind, and safe in
 * URLs, Kafka principals and cluster ids (lower-case letters, digits and `-`).
 */
import { randomBytes } from 'node:crypto';

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type OrgId = Brand<string, 'OrgId'>;
export type UserId = Brand<string, 'UserId'>;
export type EnvironmentId = Brand<string, 'EnvironmentId'>;
export type ClusterId = Brand<string, 'ClusterId'>;
export type ServiceAccountId = Brand<string, 'ServiceAccountId'>;
export type AgentId = Brand<string, 'AgentId'>;
export type ApiKeyId = Brand<string, 'ApiKeyId'>;
export type OperationId = Brand<string, 'OperationId'>;

export const ID_PREFIX = {
  user: 'u',
  org: 'org',
  membership: 'mem',
  invitation: 'inv',
  environment: 'env',
  cluster: 'lkc',
  topic: 'tpc',
  serviceAccount: 'sa',
  clusterApiKey: 'ck',
  cloudApiKey: 'tk',
  acl: 'acl',
  operation: 'op',
  audit: 'aud',
  session: 'ses',
  agent: 'agt',
  idempotency: 'idem',
} as const;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `<prefix>-<12 random base36 chars>`; audit ids start with a time part so they sort. */
export function newId(kind: keyof typeof ID_PREFIX): string {
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % 36];
  const time = kind === 'audit' ? `${Date.now().toString(36).padStart(9, '0')}` : '';
  return `${ID_PREFIX[kind]}-${time}${s}`;
}

export const asOrgId = (s: string) => s as OrgId;
export const asUserId = (s: string) => s as UserId;
export const asEnvironmentId = (s: string) => s as EnvironmentId;
export const asClusterId = (s: string) => s as ClusterId;
export const asServiceAccountId = (s: string) => s as ServiceAccountId;
export const asAgentId = (s: string) => s as AgentId;
export const asApiKeyId = (s: string) => s as ApiKeyId;
export const asOperationId = (s: string) => s as OperationId;
