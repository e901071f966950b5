// The REST API over HTTP against real PostgreSQL and Redis: authentication (sessions, CSRF,
// cloud API keys), roles, bad input as precise problem+json with nothing half-created,
// idempotency, If-Match, pagination, and the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, expectProblem, signUp, startPlatform, type Platform } from './harness.js';

let p: Platform;
beforeAll(async () => {
  p = await startPlatform();
});
afterAll(async () => {
  await p?.stop();
});

describe('authentication', () => {
  it('answers 401 problem+json without credentials, on every kind of route', async () => {
    const c = new Client(p.baseUrl);
    for (const path of [
      '/v1/organizations',
      '/v1/environments?organization_id=org-x',
      '/v1/kafka/clusters/lkc-x',
    ]) {
      const r = await c.get(path);
      expectProblem(r, 401);
      expect(r.body.type).toMatch(/unauthenticated$/);
    }
    expectProblem(await c.post('/v1/environments', { organization_id: 'org-x', name: 'e' }), 401);
  });

  it('signs up, logs in with a cookie session, and needs the CSRF token for writes', async () => {
    const { client, orgId, email } = await signUp(p.baseUrl);
    const login = new Client(p.baseUrl);
    expectProblem(
      await login.post('/v1/auth/login', { email, password: 'wrong password here' }),
      401,
    );
    const ok = await login.post('/v1/auth/login', { email, password: 'correct horse battery' });
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    login.cookie = setCookie.split(';')[0];
    expect((await login.get('/v1/auth/session')).body.organizations).toEqual([
      expect.objectContaining({ id: orgId, role: 'OrgAdmin' }),
    ]);
    const noCsrf = await login.post(
      '/v1/environments',
      { organization_id: orgId, name: 'x' },
      { 'x-csrf-token': 'nope' },
    );
    expectProblem(noCsrf, 403);
    expect(noCsrf.body.type).toMatch(/csrf$/);
    login.csrf = ok.body.csrf_token;
    expect(
      (await login.post('/v1/environments', { organization_id: orgId, name: 'x' })).status,
    ).toBe(201);
    expect((await client.get(`/v1/environments?organization_id=${orgId}`)).body.data).toHaveLength(
      1,
    );
    expect((await login.post('/v1/auth/logout')).status).toBe(204);
    expectProblem(await login.get('/v1/auth/session'), 401);
  });

  it('accepts a cloud API key as bearer, no CSRF needed, and refuses a wrong secret', async () => {
    const { client, orgId } = await signUp(p.baseUrl);
    const key = await client.post('/v1/cloud-api-keys', { description: 'terraform' });
    expect(key.status).toBe(201);
    const bearer = new Client(p.baseUrl);
    bearer.bearer = key.body.token;
    expect(
      (await bearer.post('/v1/environments', { organization_id: orgId, name: 'by-key' })).status,
    ).toBe(201);
    bearer.bearer = `${key.body.id}.${'A'.repeat(43)}`;
    expectProblem(await bearer.get('/v1/organizations'), 401);
    expect(
      (await client.get('/v1/cloud-api-keys')).body.data.map((k: { id: string }) => k.id),
    ).toEqual([key.body.id]);
    expect((await client.delete(`/v1/cloud-api-keys/${key.body.id}`)).status).toBe(204);
    bearer.bearer = key.body.token;
    expectProblem(await bearer.get('/v1/organizations'), 401);
  });
});

describe('plans', () => {
  it('lists each plan with its limits and tiered-storage defaults', async () => {
    const { client } = await signUp(p.baseUrl);
    const r = await client.get('/v1/kafka/plans');
    expect(r.status).toBe(200);
    const basic = r.body.data.find((x: { name: string }) => x.name === 'basic');
    expect(basic).toMatchObject({
      available: true,
      brokers: 1,
      tiered_storage: {
        enabled_by_default: true,
        segment_bytes: 64 * 1024 * 1024,
        local_retention_ms: 3_600_000,
      },
    });
    expect(r.body.data.map((x: { name: string }) => x.name)).toEqual([
      'basic',
      'standard',
      'dedicated',
    ]);
  });
});

describe('roles', () => {
  it('a Viewer reads but cannot create; an invitation makes the membership', async () => {
    const admin = await signUp(p.baseUrl, 'Admin');
    const viewer = await signUp(p.baseUrl, 'Viewer');
    const inv = await admin.client.post(`/v1/organizations/${admin.orgId}/invitations`, {
      email: viewer.email,
      role: 'Viewer',
    });
    expect(inv.status).toBe(201);
    expect(
      (await viewer.client.post('/v1/invitations/accept', { token: inv.body.token })).status,
    ).toBe(200);
    const env = await admin.client.post('/v1/environments', {
      organization_id: admin.orgId,
      name: 'prod',
    });
    expect((await viewer.client.get(`/v1/environments/${env.body.id}`)).status).toBe(200);
    const denied = await viewer.client.post('/v1/environments', {
      organization_id: admin.orgId,
      name: 'mine',
    });
    expectProblem(denied, 403);
    expectProblem(
      await viewer.client.post('/v1/kafka/clusters', {
        environment_id: env.body.id,
        name: 'c',
        plan: 'basic',
      }),
      403,
    );
    expectProblem(
      await viewer.client.post('/v1/service-accounts', {
        organization_id: admin.orgId,
        name: 'sa',
      }),
      403,
    );
    expectProblem(await viewer.client.delete(`/v1/environments/${env.body.id}`), 403);
    expect(
      (await admin.client.get(`/v1/environments?organization_id=${admin.orgId}`)).body.data,
    ).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('gives precise problems and creates nothing', async () => {
    const { client, orgId } = await signUp(p.baseUrl);
    const malformed = await client.call('POST', '/v1/environments', '{"organization_id": "x", ');
    expectProblem(malformed, 400);
    expect(malformed.body.type).toMatch(/malformed-json$/);
    const wrongType = await client.post('/v1/environments', { organization_id: orgId, name: 42 });
    expectProblem(wrongType, 400);
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ pointer: '/name' })]);
    const unknown = await client.post('/v1/environments', {
      organization_id: orgId,
      name: 'ok',
      color: 'red',
    });
    expectProblem(unknown, 400);
    expect(unknown.body.errors).toEqual([{ pointer: '/color', detail: 'unknown field' }]);
    const long = await client.post('/v1/environments', {
      organization_id: orgId,
      name: 'n'.repeat(65),
    });
    expectProblem(long, 400);
    expect(long.body.errors[0].detail).toMatch(/at most 64/);
    const text = await client.call('POST', '/v1/environments', 'name=x', {
      'content-type': 'text/plain',
    });
    expectProblem(text, 415);
    expect((await client.get(`/v1/environments?organization_id=${orgId}`)).body.data).toEqual([]);

    const env = await client.post('/v1/environments', { organization_id: orgId, name: 'dev' });
    const dup = await client.post('/v1/environments', { organization_id: orgId, name: 'dev' });
    expectProblem(dup, 409);
    expect(dup.body.errors).toEqual([{ pointer: '/name', detail: 'already used' }]);

    const std = await client.post('/v1/kafka/clusters', {
      environment_id: env.body.id,
      name: 'big',
      plan: 'standard',
    });
    expectProblem(std, 422);
    expect(std.body.detail).toMatch(/replication/);
    const bad = await client.post('/v1/kafka/clusters', {
      environment_id: env.body.id,
      name: 'c',
      plan: 'basic',
      brokers: 'x',
    });
    expectProblem(bad, 400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/brokers' })]);
    expect(
      (await client.get(`/v1/kafka/clusters?environment_id=${env.body.id}`)).body.data,
    ).toEqual([]);

    const cluster = await client.post('/v1/kafka/clusters', {
      environment_id: env.body.id,
      name: 'c',
      plan: 'basic',
    });
    expect(cluster.status).toBe(202);
    expect(cluster.body.status).toBe('PROVISIONING');
    const tooMany = await client.post(`/v1/kafka/clusters/${cluster.body.id}/topics`, {
      name: 'orders',
      partitions: 101,
    });
    expectProblem(tooMany, 422);
    expect(tooMany.body.errors[0].pointer).toBe('/partitions');
    const badName = await client.post(`/v1/kafka/clusters/${cluster.body.id}/topics`, {
      name: 'a/b',
    });
    expectProblem(badName, 400);
    expect((await client.get(`/v1/kafka/clusters/${cluster.body.id}/topics`)).body.data).toEqual(
      [],
    );
    expect(
      (
        await client.post(`/v1/kafka/clusters/${cluster.body.id}/topics`, {
          name: 'orders',
          partitions: 60,
        })
      ).status,
    ).toBe(201);
    expectProblem(
      await client.post(`/v1/kafka/clusters/${cluster.body.id}/topics`, { name: 'orders' }),
      409,
    );
    expectProblem(
      await client.post(`/v1/kafka/clusters/${cluster.body.id}/topics`, {
        name: 'more',
        partitions: 41,
      }),
      422,
    );
    expect(
      (await client.get(`/v1/kafka/clusters/${cluster.body.id}/topics`)).body.data.map(
        (t: { name: string }) => t.name,
      ),
    ).toEqual(['orders']);
    expectProblem(await client.get('/v1/no-such-route'), 404);
  });
});

describe('REST conventions', () => {
  it('Idempotency-Key: same body replays, different body is 409', async () => {
    const { client, orgId } = await signUp(p.baseUrl);
    const h = { 'idempotency-key': 'create-env-1' };
    const a = await client.post('/v1/environments', { organization_id: orgId, name: 'idem' }, h);
    const b = await client.post('/v1/environments', { organization_id: orgId, name: 'idem' }, h);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const c = await client.post('/v1/environments', { organization_id: orgId, name: 'other' }, h);
    expectProblem(c, 409);
    expect((await client.get(`/v1/environments?organization_id=${orgId}`)).body.data).toHaveLength(
      1,
    );
    // A failed request releases its key.
    const bad = await client.post(
      '/v1/environments',
      { organization_id: orgId, name: '' },
      { 'idempotency-key': 'k2' },
    );
    expectProblem(bad, 400);
    expect(
      (
        await client.post(
          '/v1/environments',
          { organization_id: orgId, name: 'fixed' },
          { 'idempotency-key': 'k2' },
        )
      ).status,
    ).toBe(201);
  });

  it('ETag / If-Match: a stale ETag gets 412 and changes nothing', async () => {
    const { client, orgId } = await signUp(p.baseUrl);
    const env = await client.post('/v1/environments', { organization_id: orgId, name: 'v1' });
    const got = await client.get(`/v1/environments/${env.body.id}`);
    const etag = got.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const ok = await client.patch(
      `/v1/environments/${env.body.id}`,
      { name: 'v2' },
      { 'if-match': etag },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    expectProblem(
      await client.patch(`/v1/environments/${env.body.id}`, { name: 'v3' }, { 'if-match': etag }),
      412,
    );
    expect((await client.get(`/v1/environments/${env.body.id}`)).body.name).toBe('v2');
  });

  it('deletion protection refuses a delete until switched off', async () => {
    const { client, orgId } = await signUp(p.baseUrl);
    const env = await client.post('/v1/environments', { organization_id: orgId, name: 'e' });
    const c = await client.post('/v1/kafka/clusters', {
      environment_id: env.body.id,
      name: 'keep',
      plan: 'basic',
      deletion_protection: true,
    });
    expectProblem(await client.delete(`/v1/kafka/clusters/${c.body.id}`), 409);
    const etag = (await client.get(`/v1/kafka/clusters/${c.body.id}`)).headers.get('etag')!;
    expect(
      (
        await client.patch(
          `/v1/kafka/clusters/${c.body.id}`,
          { deletion_protection: false },
          { 'if-match': etag },
        )
      ).status,
    ).toBe(200);
    const del = await client.delete(`/v1/kafka/clusters/${c.body.id}`);
    expect(del.status).toBe(202);
    expect(del.body.status).toBe('DELETING');
  });

  it('paginates with page_size and page_token', async () => {
    const { client, orgId } = await signUp(p.baseUrl);
    for (let i = 0; i < 5; i++)
      await client.post('/v1/service-accounts', { organization_id: orgId, name: `sa-${i}` });
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const r: { body: { data: { id: string }[]; metadata: { next_page_token: string | null } } } =
        await client.get(
          `/v1/service-accounts?organization_id=${orgId}&page_size=2${token ? `&page_token=${token}` : ''}`,
        );
      seen.push(...r.body.data.map((s) => s.id));
      token = r.body.metadata.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    expectProblem(
      await client.get(`/v1/service-accounts?organization_id=${orgId}&page_size=1000`),
      400,
    );
    expectProblem(
      await client.get(`/v1/service-accounts?organization_id=${orgId}&page_token=garbage`),
      400,
    );
  });

  it("pages a cluster's topics by name", async () => {
    const { client, orgId } = await signUp(p.baseUrl);
    const env = (await client.post('/v1/environments', { organization_id: orgId, name: 'e' })).body;
    const cluster = (
      await client.post('/v1/kafka/clusters', { environment_id: env.id, name: 'c', plan: 'basic' })
    ).body;
    const names = ['t-e', 't-a', 't-d', 't-b', 't-c'];
    for (const name of names)
      expect(
        (await client.post(`/v1/kafka/clusters/${cluster.id}/topics`, { name, partitions: 1 }))
          .status,
      ).toBe(201);
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const r: {
        body: { data: { name: string }[]; metadata: { next_page_token: string | null } };
      } = await client.get(
        `/v1/kafka/clusters/${cluster.id}/topics?page_size=2${token ? `&page_token=${token}` : ''}`,
      );
      seen.push(...r.body.data.map((t) => t.name));
      token = r.body.metadata.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort());
    expectProblem(
      await client.get(`/v1/kafka/clusters/${cluster.id}/topics?page_token=garbage`),
      400,
    );
  });

  it('serves an OpenAPI 3 document generated from the controllers', async () => {
    const r = await new Client(p.baseUrl).get('/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    expect(
      r.body.paths['/v1/kafka/clusters'].post.requestBody.content['application/json'].schema
        .properties.plan.enum,
    ).toEqual(['basic', 'standard', 'dedicated']);
    expect(Object.keys(r.body.paths).some((k) => k.startsWith('/internal'))).toBe(false);
  });
});
