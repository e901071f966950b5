/**
 * Tenancy in types. Tenant-owned rows carry `orgId`; repositories take an `OrgId` (branded:
 * only the access check, or creating an organization, makes one) and build every `where`
 * with `inOrg`, whose result type demands it. `Tx` is a transaction as use cases see it:
 * something to hand to repositories, with no query methods of its own, so only repositories
 * touch Prisma even when one transaction spans several contexts.
 */
import type { Db } from './client.js';
import type { Prisma } from './generated/prisma/client.js';
import type { AgentId, OrgId } from './ids.js';

/** A `where` of a tenant-owned table: the organization is required and branded. */
export type TenantWhere<W> = Omit<W, 'orgId'> & { orgId: OrgId };

/** `where` scoped to one organization (a plain string does not compile as `orgId`). */
export function inOrg<const W extends object>(orgId: OrgId, where: W): W & { orgId: OrgId } {
  return { ...where, orgId };
}

/**
 * `where` scoped to one agent (a plain string does not compile as `agentId`): the data-plane
 * side's equivalent of `inOrg`, for the tables an agent serves (clusters, pool specs,
 * observations). An agent's repository methods take its `AgentId` first.
 */
export function ofAgent<const W extends object>(
  agentId: AgentId,
  where: W,
): W & { agentId: AgentId } {
  return { ...where, agentId };
}

declare const txBrand: unique symbol;
/** An open transaction, opaque outside repositories. */
export interface Tx {
  readonly [txBrand]: 'Tx';
}

/** What a repository queries through: the database, or the transaction it was handed. */
export type DbClient = Db | Prisma.TransactionClient;

export function clientOf(db: Db, tx: Tx | undefined): DbClient {
  return tx ? (tx as unknown as Prisma.TransactionClient) : db;
}

export interface TransactionOptions {
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

/** Runs `fn` in one interactive transaction; `fn` hands `tx` to repositories. */
export function runInTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  return db.$transaction((client) => fn(client as unknown as Tx), opts);
}
