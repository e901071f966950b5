// Tenancy enforced by types. A tenant repository's methods take a branded `OrgId` first
// (only the access check, or creating an organization, makes one), and nothing outside a
// repository can reach the Prisma client. The type-level half runs in `tsc -p
// tsconfig.json`: each `@ts-expect-error` below must stay an error (an unused directive fails
// the type check), and `Unscoped<R>` lists the methods of R that do not take an `OrgId` first
// — exactly the documented owner lookups. The agent API's repositories are scoped the same
// way by a branded `AgentId` (only the agent guard makes one): an agent cannot read another
// agent's pools. The runtime half checks the client is not a property anyone can read.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createDb,
  inOrg,
  ofAgent,
  type AgentId,
  type ClusterId,
  type KafkaCluster,
  type OrgId,
  type Tx,
} from '@tributary/db';
import { AclsRepository } from '../src/modules/acls/acls.repository.js';
import {
  AgentPoolsRepository,
  type AgentCluster,
} from '../src/modules/agent/agent-pools.repository.js';
import { AgentsRepository } from '../src/modules/agent/agents.repository.js';
import { ApiKeysRepository } from '../src/modules/api-keys/api-keys.repository.js';
import { AuditRepository } from '../src/modules/audit/audit.repository.js';
import { ClustersRepository } from '../src/modules/clusters/clusters.repository.js';
import { EnvironmentsRepository } from '../src/modules/environments/environments.repository.js';
import { OperationsRepository } from '../src/modules/operations/operations.repository.js';
import { ServiceAccountsRepository } from '../src/modules/service-accounts/service-accounts.repository.js';
import { TopicsRepository } from '../src/modules/topics/topics.repository.js';

type TakesIdFirst<F, Id> = F extends (...args: never[]) => unknown
  ? Parameters<F> extends [infer First, ...unknown[]]
    ? [First] extends [Id]
      ? string extends First
        ? false
        : true
      : false
    : false
  : false;
/** Public methods of R whose first parameter is not an `OrgId` (or the given scope). */
type Unscoped<R, Id = OrgId> = {
  [K in keyof R]: R[K] extends (...args: never[]) => unknown
    ? TakesIdFirst<R[K], Id> extends true
      ? never
      : K
    : never;
}[keyof R];

// Never called: it only has to compile (and its expected errors have to stay errors).
export function unscopedQueriesDoNotCompile(
  clusters: ClustersRepository,
  orgId: OrgId,
  clusterId: ClusterId,
): void {
  void clusters.get(orgId, clusterId); // scoped: compiles
  // @ts-expect-error no organization: a query without tenant scope does not compile
  void clusters.get(clusterId);
  // @ts-expect-error an unchecked string is not an OrgId
  void clusters.get('org-someone', clusterId);
  // @ts-expect-error nor is a plain string a ClusterId
  void clusters.get(orgId, 'lkc-someone');
  // @ts-expect-error the Prisma client is private to the repository
  void clusters.db;
  // @ts-expect-error and so is the accessor that hands it out
  void clusters.client();
  // @ts-expect-error a where built with inOrg needs a branded OrgId
  void inOrg('org-someone', { id: clusterId });
}

// Never called either: the agent scope.
export function otherAgentsPoolsDoNotCompile(
  pools: AgentPoolsRepository,
  agentId: AgentId,
  orgId: OrgId,
  cluster: KafkaCluster,
  tx: Tx,
): void {
  void pools.desiredRows(agentId, tx); // scoped: compiles
  // @ts-expect-error no agent: an agent's pools cannot be read without its id
  void pools.desiredRows(tx);
  // @ts-expect-error another agent's id as an unchecked string is not an AgentId
  void pools.desiredRows('agt-someone', tx);
  // @ts-expect-error nor is an organization's id
  void pools.desiredRows(orgId, tx);
  // @ts-expect-error a cluster's keys need the cluster found for the agent, not any cluster row
  void pools.keysOf(cluster, tx);
  // @ts-expect-error usage samples are recorded for an agent's own clusters only
  void pools.recordUsage('agt-someone', []);
  // @ts-expect-error the Prisma client is private to the repository
  void pools.client();
  // @ts-expect-error a where built with ofAgent needs a branded AgentId
  void ofAgent('agt-someone', { id: cluster.id });
}

describe('agent repositories', () => {
  it("take the agent's id (or a cluster found for it) first in every method but the token and local-agent lookups", () => {
    expectTypeOf<Unscoped<AgentPoolsRepository, AgentId | AgentCluster>>().toEqualTypeOf<never>();
    expectTypeOf<Unscoped<AgentsRepository, AgentId>>().toEqualTypeOf<
      'byTokenHash' | 'local' | 'saveLocal' | 'createLocal'
    >();
  });
});

describe('tenant repositories', () => {
  it('take an OrgId first in every method but their owner lookup', () => {
    expectTypeOf<Unscoped<EnvironmentsRepository>>().toEqualTypeOf<'ownerOf'>();
    expectTypeOf<Unscoped<ClustersRepository>>().toEqualTypeOf<'ownerOf'>();
    expectTypeOf<Unscoped<ServiceAccountsRepository>>().toEqualTypeOf<'ownerOf'>();
    expectTypeOf<Unscoped<ApiKeysRepository>>().toEqualTypeOf<'ownerOf'>();
    expectTypeOf<Unscoped<OperationsRepository>>().toEqualTypeOf<'ownerOf'>();
    expectTypeOf<Unscoped<TopicsRepository>>().toEqualTypeOf<never>();
    expectTypeOf<Unscoped<AclsRepository>>().toEqualTypeOf<never>();
    // Writing an event takes the event's own (nullable) organization; reading is scoped.
    expectTypeOf<Unscoped<AuditRepository>>().toEqualTypeOf<'record'>();
  });

  it('do not expose the database client as a property', async () => {
    const db = createDb('postgresql://nobody@127.0.0.1:1/none');
    try {
      const repo = new ClustersRepository(db);
      expect(Object.keys(repo)).toEqual([]);
      expect(Object.values(repo).some((v) => v === db)).toBe(false);
      expect('db' in repo).toBe(false);
    } finally {
      await db.$disconnect();
    }
  });
});
