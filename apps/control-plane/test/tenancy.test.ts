// Two organizations: nothing of one is visible or changeable by the other through ANY route.
// Built from the route table (the OpenAPI document generated from the controllers): every
// path and method is called by an outsider with the victim's ids in the path and in the
// organization/environment/cluster query and body fields; every answer must be 401/403/404
// (or 400 for a body the route rejects before looking anything up) and never leak an id.
// Then the victim's resources are checked unchanged.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUp, startPlatform, type Platform } from './harness.js';

let p: Platform;
beforeAll(async () => {
  p = await startPlatform();
});
afterAll(async () => {
  await p?.stop();
});

it('an outsider can neither see nor change anything of another organization, on every route', async () => {
  const victim = await signUp(p.baseUrl, 'Victim');
  const v = victim.client;
  const member = await signUp(p.baseUrl, 'Member');
  const inv = await v.post(`/v1/organizations/${victim.orgId}/invitations`, {
    email: member.email,
    role: 'Developer',
  });
  await member.client.post('/v1/invitations/accept', { token: inv.body.token });
  const pending = await v.post(`/v1/organizations/${victim.orgId}/invitations`, {
    email: 'x@example.com',
    role: 'Viewer',
  });
  const env = (await v.post('/v1/environments', { organization_id: victim.orgId, name: 'prod' }))
    .body;
  const cluster = (
    await v.post('/v1/kafka/clusters', { environment_id: env.id, name: 'main', plan: 'basic' })
  ).body;
  await v.post(`/v1/kafka/clusters/${cluster.id}/topics`, { name: 'orders', partitions: 3 });
  const sa = (await v.post('/v1/service-accounts', { organization_id: victim.orgId, name: 'app' }))
    .body;
  const key = (
    await v.post('/v1/api-keys', {
      cluster_id: cluster.id,
      owner: { kind: 'service_account', id: sa.id },
    })
  ).body;
  const acl = (
    await v.post(`/v1/kafka/clusters/${cluster.id}/acls`, {
      resource_type: 'TOPIC',
      resource_name: 'orders',
      pattern_type: 'LITERAL',
      principal: `User:${sa.id}`,
      operation: 'WRITE',
      permission: 'ALLOW',
    })
  ).body;
  const cloudKey = (await v.post('/v1/cloud-api-keys', { description: 'victim key' })).body;
  const members = (await v.get(`/v1/organizations/${victim.orgId}/members`)).body.data;
  const memberId = members.find(
    (m: { user: { id: string } | null }) => m.user?.id === member.userId,
  ).id;
  const victimIds = [
    victim.orgId,
    env.id,
    cluster.id,
    sa.id,
    key.id,
    acl.id,
    cloudKey.id,
    cluster.operation_id,
    pending.body.id,
    memberId,
  ];

  // Path parameters, by name, filled with the victim's ids.
  const params: Record<string, string> = {
    orgId: victim.orgId,
    id: '',
    clusterId: cluster.id,
    name: 'orders',
    memberId,
    invitationId: pending.body.id,
    aclId: acl.id,
  };
  const idFor = (path: string): string => {
    if (path.startsWith('/v1/environments')) return env.id;
    if (path.startsWith('/v1/kafka/clusters')) return cluster.id;
    if (path.startsWith('/v1/service-accounts')) return sa.id;
    if (path.startsWith('/v1/api-keys')) return key.id;
    if (path.startsWith('/v1/cloud-api-keys')) return cloudKey.id;
    if (path.startsWith('/v1/operations')) return cluster.operation_id;
    return victim.orgId;
  };
  const scope = {
    organization_id: victim.orgId,
    environment_id: env.id,
    cluster_id: cluster.id,
    service_account_id: sa.id,
  };
  // Bodies that are valid for each creating route, aimed at the victim.
  const bodies: Record<string, unknown> = {
    '/v1/environments': { organization_id: victim.orgId, name: 'evil' },
    '/v1/kafka/clusters': { environment_id: env.id, name: 'evil', plan: 'basic' },
    '/v1/service-accounts': { organization_id: victim.orgId, name: 'evil' },
    '/v1/api-keys': { cluster_id: cluster.id },
    '/v1/cloud-api-keys': { service_account_id: sa.id },
    '/v1/kafka/clusters/{clusterId}/topics': { name: 'evil' },
    '/v1/kafka/clusters/{clusterId}/acls': {
      resource_type: 'TOPIC',
      resource_name: '*',
      pattern_type: 'LITERAL',
      principal: 'User:*',
      operation: 'ALL',
      permission: 'ALLOW',
    },
    '/v1/organizations/{orgId}/invitations': { email: 'evil@example.com', role: 'OrgAdmin' },
    '/v1/organizations/{orgId}/members/{memberId}': { role: 'OrgAdmin' },
    '/v1/organizations/{orgId}': { name: 'pwned' },
    '/v1/environments/{id}': { name: 'pwned' },
    '/v1/kafka/clusters/{id}': { deletion_protection: true },
    '/v1/service-accounts/{id}': { name: 'pwned' },
    '/v1/kafka/clusters/{clusterId}/topics/{name}': { partitions: 4 },
  };
  // Routes an outsider may call with success because they only touch the caller's own things.
  const own = new Set([
    'GET /v1/organizations',
    'POST /v1/organizations',
    'GET /v1/auth/session',
    'GET /v1/cloud-api-keys',
  ]);
  const skip = new Set([
    'POST /v1/auth/signup',
    'POST /v1/auth/login',
    'POST /v1/auth/logout',
    'POST /v1/invitations/accept',
    'GET /v1/kafka/plans',
    'POST /v1/cloud-api-keys',
  ]);

  const outsider = await signUp(p.baseUrl, 'Outsider');
  const keyOfOutsider = (await outsider.client.post('/v1/cloud-api-keys', {})).body.token;
  const viaKey = new Client(p.baseUrl);
  viaKey.bearer = keyOfOutsider;

  const doc = (await new Client(p.baseUrl).get('/v1/openapi.json')).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  let checked = 0;
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
      const route = `${method} ${template}`;
      if (skip.has(route)) continue;
      const path = template.replace(/\{(\w+)\}/g, (_, n: string) =>
        n === 'id' ? idFor(template) : params[n],
      );
      const query = method === 'GET' ? `?${new URLSearchParams(scope).toString()}` : '';
      const body = method === 'POST' || method === 'PATCH' ? (bodies[template] ?? {}) : undefined;
      for (const caller of [outsider.client, viaKey]) {
        // GET lists take exactly one scope parameter; try each so none is skipped.
        const queries =
          method === 'GET' && !template.includes('{')
            ? Object.entries(scope).map(([k, val]) => `?${k}=${val}`)
            : [query];
        for (const q of queries) {
          const r = await caller.call(method, path + (method === 'GET' ? q : ''), body);
          // `instance` echoes the caller's own request path; anything else naming an id leaks.
          const { instance: _instance, ...rest } = (
            typeof r.body === 'object' && r.body ? r.body : {}
          ) as Record<string, unknown>;
          const text = JSON.stringify(rest);
          if (own.has(route)) {
            expect(r.status, `${route}${q}`).toBeLessThan(500);
          } else {
            expect([400, 401, 403, 404], `${route}${q} -> ${r.status} ${text}`).toContain(r.status);
            if (r.status === 400)
              expect(r.body.errors?.length ?? 0, `${route}${q} ${text}`).toBeGreaterThan(0);
          }
          for (const id of victimIds)
            expect(text.includes(id), `${route}${q} leaked ${id}: ${text}`).toBe(false);
          checked++;
        }
      }
    }
  }
  expect(checked).toBeGreaterThan(60);

  // Nothing changed for the victim.
  expect((await v.get(`/v1/organizations/${victim.orgId}`)).body.name).not.toBe('pwned');
  expect((await v.get(`/v1/environments/${env.id}`)).body.name).toBe('prod');
  const c = (await v.get(`/v1/kafka/clusters/${cluster.id}`)).body;
  expect([c.status, c.deletion_protection]).toEqual(['PROVISIONING', false]);
  expect((await v.get(`/v1/kafka/clusters/${cluster.id}/topics/orders`)).body.partitions).toBe(3);
  expect((await v.get(`/v1/service-accounts/${sa.id}`)).body.name).toBe('app');
  expect((await v.get(`/v1/api-keys/${key.id}`)).body.status).toBe('PROVISIONING');
  expect((await v.get(`/v1/kafka/clusters/${cluster.id}/acls`)).body.data).toHaveLength(1);
  expect((await v.get(`/v1/organizations/${victim.orgId}/members`)).body.data).toHaveLength(2);
  expect((await v.get(`/v1/environments?organization_id=${victim.orgId}`)).body.data).toHaveLength(
    1,
  );
  expect((await v.get(`/v1/kafka/clusters?environment_id=${env.id}`)).body.data).toHaveLength(1);
  expect((await v.get('/v1/cloud-api-keys')).body.data).toHaveLength(1);
  expect(
    (await v.get(`/v1/organizations/${victim.orgId}/invitations`)).body.data.filter(
      (i: { status: string }) => i.status === 'PENDING',
    ),
  ).toHaveLength(1);
});
