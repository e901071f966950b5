/**
 * ACL routes of the admin endpoint, for the data-plane agent (the tenant's ACLs come from the
 * control plane; the agent pushes them here). Bindings use Kafka's names:
 *   { resourceType: TOPIC|GROUP|CLUSTER|TRANSACTIONAL_ID|DELEGATION_TOKEN|USER, resourceName,
 *     patternType: LITERAL|PREFIXED, principal: "User:<id>"|"User:*", host: "<ip>"|"*",
 *     operation: ALL|READ|WRITE|..., permissionType: ALLOW|DENY }
 *   GET    /v1/acls?<filter>   the ACLs the filter selects, and whether they are enforced
 *   POST   /v1/acls            body: an array of bindings; idempotent (existing ones are not
 *                              duplicated); 201 when something was added, else 200
 *   DELETE /v1/acls?<filter>   or with the filter as the body; answers what was deleted. At
 *                              least one filter field is required (resourceType=ANY deletes all)
 * Filters are Kafka's AclBindingFilter: every field optional; resourceType, operation and
 * permissionType accept ANY, patternType ANY (default) or MATCH. Changes are durable and
 * enforced as soon as the call returns. The store works with the authorizer disabled too
 * (ACLs can be loaded before enforcement is switched on).
 */
import { z } from 'zod';
import type { BrokerContext } from '../context.js';
import {
  AclOperation,
  AclPermission,
  AclResourceType,
  MATCH_ALL_FILTER,
  PatternType,
  bindingProblem,
  filterMatches,
  type AclFilter,
} from '../security/acl/acl-model.js';
import { fromStored, toStored } from '../security/acl/acl-store.js';
import { badRequest } from './problem.js';
import type { AdminRequest, Router } from './router.js';

type Names = [string, ...string[]];
const names = (table: Readonly<Record<string, number>>, except: string[] = []): Names =>
  Object.keys(table).filter((n) => !except.includes(n)) as Names;

const MAX_BINDINGS = 1000;

const Binding = z.strictObject({
  resourceType: z.enum(names(AclResourceType, ['ANY'])),
  resourceName: z.string().min(1),
  patternType: z.enum(['LITERAL', 'PREFIXED']).default('LITERAL'),
  principal: z.string().regex(/^[^:]+:.+$/, 'expected Type:name, e.g. User:alice or User:*'),
  host: z.string().min(1).default('*'),
  operation: z.enum(names(AclOperation, ['ANY'])),
  permissionType: z.enum(['ALLOW', 'DENY']),
});

const Filter = z.strictObject({
  resourceType: z.enum(names(AclResourceType)).optional(),
  resourceName: z.string().optional(),
  patternType: z.enum(names(PatternType)).optional(),
  principal: z.string().optional(),
  host: z.string().optional(),
  operation: z.enum(names(AclOperation)).optional(),
  permissionType: z.enum(names(AclPermission)).optional(),
});
type Filter = z.infer<typeof Filter>;

function fieldErrors(error: z.ZodError, prefix = ''): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({
    field: prefix + (i.path.length > 0 ? i.path.join('.') : '(body)'),
    message: i.message,
  }));
}

function toFilter(f: Filter): AclFilter {
  const code = (table: Readonly<Record<string, number>>, name: string | undefined, any: number) =>
    name === undefined ? any : table[name];
  return {
    resourceType: code(AclResourceType, f.resourceType, MATCH_ALL_FILTER.resourceType),
    resourceName: f.resourceName ?? null,
    patternType: code(PatternType, f.patternType, MATCH_ALL_FILTER.patternType),
    principal: f.principal ?? null,
    host: f.host ?? null,
    operation: code(AclOperation, f.operation, MATCH_ALL_FILTER.operation),
    permissionType: code(AclPermission, f.permissionType, MATCH_ALL_FILTER.permissionType),
  };
}

function parseFilter(input: unknown, where: 'query' | 'body'): Filter {
  const parsed = Filter.safeParse(input);
  if (!parsed.success)
    throw badRequest(`Invalid ACL filter in the ${where}`, fieldErrors(parsed.error));
  return parsed.data;
}

const queryObject = (req: AdminRequest): Record<string, string> =>
  Object.fromEntries(req.query.entries());

export function aclRoutes(router: Router, broker: BrokerContext): void {
  const { authorizer } = broker;
  const { store } = authorizer;

  router.add('GET', '/v1/acls', (req) => {
    const filter = toFilter(parseFilter(queryObject(req), 'query'));
    const acls = store.list().filter((b) => filterMatches(filter, b));
    return {
      status: 200,
      body: { authorizerEnabled: authorizer.enabled, acls: acls.map(toStored) },
    };
  });

  router.add('POST', '/v1/acls', async (req) => {
    const parsed = z.array(Binding).min(1).max(MAX_BINDINGS).safeParse(req.body);
    if (!parsed.success)
      throw badRequest('Expected a JSON array of ACL bindings', fieldErrors(parsed.error));
    const bindings = parsed.data.map(fromStored);
    const problems = bindings.flatMap((b, i) => {
      const problem = bindingProblem(b);
      return problem ? [{ field: `${i}`, message: problem }] : [];
    });
    if (problems.length > 0) throw badRequest('Invalid ACL bindings', problems);
    const fresh = await store.create(bindings);
    const created = bindings.filter((_, i) => fresh[i]).map(toStored);
    const existing = bindings.filter((_, i) => !fresh[i]).map(toStored);
    broker.log.info(`admin: ${created.length} ACL(s) created, ${existing.length} already present`);
    return { status: created.length > 0 ? 201 : 200, body: { created, existing } };
  });

  router.add('DELETE', '/v1/acls', async (req) => {
    const fromQuery = req.query.size > 0;
    if (fromQuery && req.body !== undefined)
      throw badRequest('Give the filter either as query parameters or as the body, not both');
    const filter = fromQuery
      ? parseFilter(queryObject(req), 'query')
      : parseFilter(req.body ?? {}, 'body');
    if (Object.keys(filter).length === 0) {
      throw badRequest('A filter is required to delete ACLs (resourceType=ANY selects every ACL)');
    }
    const [deleted] = await store.delete([toFilter(filter)]);
    broker.log.info(`admin: ${deleted.length} ACL(s) deleted`);
    return { status: 200, body: { deleted: deleted.map(toStored) } };
  });
}
