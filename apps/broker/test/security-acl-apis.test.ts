/**
 * DescribeAcls (29), CreateAcls (30), DeleteAcls (31) on the wire, every version: rights
 * (CLUSTER ALTER / DESCRIBE), SECURITY_DISABLED without an authorizer, INVALID_REQUEST for
 * each kind of bad binding or filter, filter semantics, idempotent creation, persistence
 * across a restart, and host / User:* enforcement of what was created.
 */
import {
  ApiKey,
  ErrorCode,
  makeCreateAclsRequest,
  makeCreateAclsRequestAclCreation,
  makeDeleteAclsRequest,
  makeDeleteAclsRequestDeleteAclsFilter,
  makeDescribeAclsRequest,
  makeMetadataRequest,
  makeMetadataRequestTopic,
  type CreateAclsRequestAclCreation,
  type CreateAclsResponse,
  type DeleteAclsRequestDeleteAclsFilter,
  type DeleteAclsResponse,
  type DescribeAclsRequest,
  type DescribeAclsResponse,
  type MetadataResponse,
} from '@tributary/kafka-protocol';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { RawClient } from './support/raw-client.js';
import { Principals, startSaslBroker } from './support/sasl-principals.js';

// Kafka codes.
const Type = { ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 };
const Pattern = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 };
const Op = { ANY: 1, ALL: 2, READ: 3, WRITE: 4, ALTER: 7, DESCRIBE: 8 };
const Perm = { ANY: 1, DENY: 2, ALLOW: 3 };

const creation = (p: Partial<CreateAclsRequestAclCreation>) =>
  makeCreateAclsRequestAclCreation({
    resourceType: Type.TOPIC,
    resourceName: 'orders',
    resourcePatternType: Pattern.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: Op.READ,
    permissionType: Perm.ALLOW,
    ...p,
  });

const anyFilter = (p: Partial<DeleteAclsRequestDeleteAclsFilter> = {}) =>
  makeDeleteAclsRequestDeleteAclsFilter({
    resourceTypeFilter: Type.ANY,
    resourceNameFilter: null,
    patternTypeFilter: Pattern.ANY,
    principalFilter: null,
    hostFilter: null,
    operation: Op.ANY,
    permissionType: Perm.ANY,
    ...p,
  });

const describeFilter = (p: Partial<DescribeAclsRequest> = {}) =>
  makeDescribeAclsRequest({ ...anyFilter(), ...p });

describe('without an authorizer (the default)', () => {
  let tb: TestBroker;
  let raw: RawClient;
  beforeAll(async () => {
    tb = await startTestBroker();
    raw = await RawClient.connect(tb.port);
  });
  afterAll(async () => {
    raw.close();
    await tb.stop();
  });

  it('answers SECURITY_DISABLED on all three APIs, every version', async () => {
    for (const v of [0, 1, 2, 3]) {
      const d = await raw.call<DescribeAclsResponse>(
        ApiKey.DescribeAcls,
        v,
        describeFilter(v === 0 ? { patternTypeFilter: Pattern.LITERAL } : {}),
      );
      expect(d).toMatchObject({
        errorCode: ErrorCode.SECURITY_DISABLED,
        errorMessage: 'No Authorizer is configured on the broker',
        resources: [],
      });
      const c = await raw.call<CreateAclsResponse>(
        ApiKey.CreateAcls,
        v,
        makeCreateAclsRequest({ creations: [creation({}), creation({ operation: Op.WRITE })] }),
      );
      expect(c.results.map((r) => r.errorCode)).toEqual([
        ErrorCode.SECURITY_DISABLED,
        ErrorCode.SECURITY_DISABLED,
      ]);
      const del = await raw.call<DeleteAclsResponse>(
        ApiKey.DeleteAcls,
        v,
        makeDeleteAclsRequest({ filters: [anyFilter({ patternTypeFilter: Pattern.LITERAL })] }),
      );
      expect(del.filterResults[0]).toMatchObject({
        errorCode: ErrorCode.SECURITY_DISABLED,
        matchingAcls: [],
      });
    }
  });

  it('allows every operation to anyone and reports them all', async () => {
    const res = await raw.call<MetadataResponse>(
      ApiKey.Metadata,
      10,
      makeMetadataRequest({
        topics: [makeMetadataRequestTopic({ name: 'auto-open' })],
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: true,
        includeTopicAuthorizedOperations: true,
      }),
    );
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
    expect(res.topics[0].topicAuthorizedOperations).toBe(
      [3, 4, 5, 6, 7, 8, 10, 11].reduce((m, op) => m | (1 << op), 0),
    );
    expect(res.clusterAuthorizedOperations).toBe(
      [5, 7, 8, 9, 10, 11, 12].reduce((m, op) => m | (1 << op), 0),
    );
  });
});

describe('with the authorizer enabled', () => {
  let tb: TestBroker;
  let principals: Principals;
  const as = (name: string) => principals.raw(name);
  let admin: RawClient;

  beforeAll(async () => {
    tb = await startSaslBroker({ 'authorizer.enabled': 'true', 'super.users': 'User:admin' });
    principals = new Principals(tb);
    admin = await as('admin');
  });
  afterEach(async () => {
    await admin.call(ApiKey.DeleteAcls, 3, makeDeleteAclsRequest({ filters: [anyFilter()] }));
  });
  afterAll(async () => {
    principals.closeAll();
    await tb.stop();
  });

  const create = (c: RawClient, creations: CreateAclsRequestAclCreation[], v = 3) =>
    c.call<CreateAclsResponse>(ApiKey.CreateAcls, v, makeCreateAclsRequest({ creations }));
  const describeAcls = (c: RawClient, p: Partial<DescribeAclsRequest> = {}, v = 3) =>
    c.call<DescribeAclsResponse>(ApiKey.DescribeAcls, v, describeFilter(p));
  const flat = (d: DescribeAclsResponse) =>
    d.resources.flatMap((r) =>
      r.acls.map(
        (a) =>
          `${r.resourceType}:${r.patternType}:${r.resourceName} ${a.principal}@${a.host} ${a.permissionType}/${a.operation}`,
      ),
    );

  it('needs ALTER on the cluster to create or delete ACLs and DESCRIBE to list them', async () => {
    const bob = await as('bob');
    const c = await create(bob, [creation({}), creation({ operation: Op.WRITE })]);
    expect(c.results).toEqual([
      expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
      expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
    ]);
    expect((await describeAcls(bob)).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const d = await bob.call<DeleteAclsResponse>(
      ApiKey.DeleteAcls,
      3,
      makeDeleteAclsRequest({ filters: [anyFilter(), anyFilter()] }),
    );
    expect(d.filterResults.map((r) => r.errorCode)).toEqual([
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    ]);
    expect(tb.broker.context.authorizer.store.list()).toEqual([]);

    // Granted CLUSTER ALTER (which implies DESCRIBE), bob manages ACLs himself.
    const grant = await create(admin, [
      creation({
        resourceType: Type.CLUSTER,
        resourceName: 'kafka-cluster',
        principal: 'User:bob',
        operation: Op.ALTER,
      }),
    ]);
    expect(grant.results[0].errorCode).toBe(ErrorCode.NONE);
    expect((await create(bob, [creation({})])).results[0].errorCode).toBe(ErrorCode.NONE);
    expect(flat(await describeAcls(bob))).toHaveLength(2);
  });

  it('refuses each invalid creation with INVALID_REQUEST and still creates the valid ones', async () => {
    const res = await create(admin, [
      creation({ resourcePatternType: Pattern.ANY }),
      creation({ resourcePatternType: Pattern.MATCH }),
      creation({ resourceType: Type.ANY }),
      creation({ operation: Op.ANY }),
      creation({ permissionType: Perm.ANY }),
      creation({ resourceName: '' }),
      creation({ resourceType: Type.CLUSTER, resourceName: 'my-cluster' }),
      creation({ principal: 'alice' }),
      creation({ operation: 0 }),
      creation({ resourceName: 'valid' }),
    ]);
    expect(res.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Invalid patternType ANY'],
      [ErrorCode.INVALID_REQUEST, 'Invalid patternType MATCH'],
      [ErrorCode.INVALID_REQUEST, 'Invalid resourceType ANY'],
      [ErrorCode.INVALID_REQUEST, 'Invalid operation ANY'],
      [ErrorCode.INVALID_REQUEST, 'Invalid permissionType ANY'],
      [ErrorCode.INVALID_REQUEST, 'Invalid empty resource name'],
      [ErrorCode.INVALID_REQUEST, 'The only valid name for the CLUSTER resource is kafka-cluster'],
      [ErrorCode.INVALID_REQUEST, expect.stringMatching(/no colon is present/)],
      [ErrorCode.INVALID_REQUEST, 'Invalid operation UNKNOWN'],
      [ErrorCode.NONE, null],
    ]);
    expect(flat(await describeAcls(admin))).toEqual(['2:3:valid User:alice@* 3/3']);
  });

  it('creates idempotently: an existing binding is not duplicated', async () => {
    await create(admin, [creation({}), creation({})]);
    const again = await create(admin, [creation({})]);
    expect(again.results[0].errorCode).toBe(ErrorCode.NONE);
    expect(flat(await describeAcls(admin))).toEqual(['2:3:orders User:alice@* 3/3']);
  });

  it('describes with Kafka filter semantics, grouped by resource, in every version', async () => {
    await create(admin, [
      creation({ resourceName: 'orders-eu' }),
      creation({ resourceName: 'orders-eu', principal: 'User:bob', operation: Op.WRITE }),
      creation({ resourceName: 'orders-', resourcePatternType: Pattern.PREFIXED }),
      creation({ resourceName: '*', principal: 'User:*', host: '10.0.0.1' }),
      creation({ resourceType: Type.GROUP, resourceName: 'g', permissionType: Perm.DENY }),
    ]);
    const all = await describeAcls(admin);
    expect(all.errorCode).toBe(ErrorCode.NONE);
    expect(
      all.resources.map((r) => [r.resourceType, r.patternType, r.resourceName, r.acls.length]),
    ).toEqual([
      [Type.TOPIC, Pattern.LITERAL, 'orders-eu', 2],
      [Type.TOPIC, Pattern.PREFIXED, 'orders-', 1],
      [Type.TOPIC, Pattern.LITERAL, '*', 1],
      [Type.GROUP, Pattern.LITERAL, 'g', 1],
    ]);
    const match = await describeAcls(admin, {
      resourceTypeFilter: Type.TOPIC,
      resourceNameFilter: 'orders-eu',
      patternTypeFilter: Pattern.MATCH,
    });
    expect(match.resources.map((r) => r.resourceName)).toEqual(['orders-eu', 'orders-', '*']);
    expect(flat(await describeAcls(admin, { principalFilter: 'User:bob' }))).toEqual([
      '2:3:orders-eu User:bob@* 3/4',
    ]);
    expect(flat(await describeAcls(admin, { hostFilter: '10.0.0.1' }))).toEqual([
      '2:3:* User:*@10.0.0.1 3/3',
    ]);
    expect(flat(await describeAcls(admin, { permissionType: Perm.DENY }))).toEqual([
      '3:3:g User:alice@* 2/3',
    ]);
    expect(flat(await describeAcls(admin, { patternTypeFilter: Pattern.PREFIXED }))).toEqual([
      '2:4:orders- User:alice@* 3/3',
    ]);
    // v0 carries no pattern type: LITERAL, so the PREFIXED binding is not listed.
    const v0 = await describeAcls(admin, { patternTypeFilter: Pattern.LITERAL }, 0);
    expect(v0.resources.map((r) => r.resourceName)).toEqual(['orders-eu', '*', 'g']);
    for (const v of [1, 2]) expect(flat(await describeAcls(admin, {}, v))).toHaveLength(5);
    // Unknown codes in a filter.
    for (const bad of [
      { resourceTypeFilter: 0 },
      { operation: 0 },
      { permissionType: 9 },
      { patternTypeFilter: 0 },
    ]) {
      const res = await describeAcls(admin, bad);
      expect(res.errorCode).toBe(ErrorCode.INVALID_REQUEST);
      expect(res.resources).toEqual([]);
    }
  });

  it('deletes per filter, reports matches (overlaps under each filter) and refuses bad filters', async () => {
    await create(admin, [
      creation({ resourceName: 'a' }),
      creation({ resourceName: 'b' }),
      creation({ resourceName: 'c', operation: Op.WRITE }),
      creation({ resourceName: 'keep', resourcePatternType: Pattern.PREFIXED }),
    ]);
    const res = await admin.call<DeleteAclsResponse>(
      ApiKey.DeleteAcls,
      3,
      makeDeleteAclsRequest({
        filters: [
          anyFilter({ resourceNameFilter: 'a', patternTypeFilter: Pattern.LITERAL }),
          anyFilter({ operation: Op.READ, patternTypeFilter: Pattern.LITERAL }),
          anyFilter({ operation: 0 }),
          anyFilter({ resourceNameFilter: 'nothing' }),
        ],
      }),
    );
    expect(
      res.filterResults.map((f) => [f.errorCode, f.matchingAcls.map((m) => m.resourceName)]),
    ).toEqual([
      [ErrorCode.NONE, ['a']],
      [ErrorCode.NONE, ['a', 'b']],
      [ErrorCode.INVALID_REQUEST, []],
      [ErrorCode.NONE, []],
    ]);
    expect(res.filterResults[1].matchingAcls[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      resourceType: Type.TOPIC,
      patternType: Pattern.LITERAL,
      principal: 'User:alice',
      host: '*',
      operation: Op.READ,
      permissionType: Perm.ALLOW,
    });
    expect(flat(await describeAcls(admin))).toEqual([
      '2:3:c User:alice@* 3/4',
      '2:4:keep User:alice@* 3/3',
    ]);
  });

  it('serves every version of CreateAcls and DeleteAcls (v0: LITERAL only)', async () => {
    for (const v of [0, 1, 2, 3]) {
      const c = await create(admin, [creation({ resourceName: `v${v}` })], v);
      expect(c.results[0].errorCode).toBe(ErrorCode.NONE);
      const d = await admin.call<DeleteAclsResponse>(
        ApiKey.DeleteAcls,
        v,
        makeDeleteAclsRequest({
          filters: [anyFilter({ resourceNameFilter: `v${v}`, patternTypeFilter: Pattern.LITERAL })],
        }),
      );
      expect(d.filterResults[0].matchingAcls.map((m) => m.resourceName)).toEqual([`v${v}`]);
    }
  });

  it('enforces host and User:* bindings', async () => {
    // Connections come from 127.0.0.1.
    await create(admin, [
      creation({
        resourceName: 'here',
        principal: 'User:*',
        host: '127.0.0.1',
        operation: Op.DESCRIBE,
      }),
      creation({
        resourceName: 'elsewhere',
        principal: 'User:dora',
        host: '10.9.9.9',
        operation: Op.DESCRIBE,
      }),
    ]);
    const topics = tb.broker.context.topics;
    for (const t of ['here', 'elsewhere']) if (!topics.get(t)) await topics.create(t, 1, new Map());
    const names = async (who: string) => {
      const c = await as(who);
      const res = await c.call<MetadataResponse>(
        ApiKey.Metadata,
        12,
        makeMetadataRequest({ topics: null }),
      );
      return res.topics.map((t) => t.name).sort();
    };
    expect(await names('dora')).toEqual(['here']);
    expect(await names('erin')).toEqual(['here']);
  });

  it('keeps ACLs across a restart and enforces them at once', async () => {
    await create(admin, [
      creation({ resourceName: 'persisted', principal: 'User:frank', operation: Op.DESCRIBE }),
    ]);
    await tb.broker.context.topics.create('persisted', 1, new Map());
    principals.closeAll();
    tb = await tb.restart();
    principals.rebind(tb);
    admin = await as('admin');
    expect(flat(await describeAcls(admin))).toEqual(['2:3:persisted User:frank@* 3/8']);
    const frank = await as('frank');
    const res = await frank.call<MetadataResponse>(
      ApiKey.Metadata,
      12,
      makeMetadataRequest({ topics: null }),
    );
    expect(res.topics.map((t) => t.name)).toEqual(['persisted']);
  });
});

describe('start-up checks', () => {
  it('refuses to start with a super.users entry that is not a principal, or a bad ACL file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-acl-start-'));
    try {
      await expect(
        startTestBroker({ 'authorizer.enabled': 'true', 'super.users': 'admin' }, dir),
      ).rejects.toThrow(/super.users: "admin" is not a principal/);
      await mkdir(join(dir, 'meta'), { recursive: true });
      await writeFile(join(dir, 'meta', 'acls.json'), '{"version":1,"acls":[{"oops":true}]}');
      await expect(startTestBroker({ 'authorizer.enabled': 'true' }, dir)).rejects.toThrow(
        /acls.json is not a valid ACL file/,
      );
      // The data directory was released each time: with the file fixed, the broker starts.
      await writeFile(join(dir, 'meta', 'acls.json'), '{"version":1,"acls":[]}');
      const tb = await startTestBroker({ 'authorizer.enabled': 'true' }, dir);
      await tb.broker.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
