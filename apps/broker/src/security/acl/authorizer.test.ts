/** The authorizer's decisions (Kafka StandardAuthorizer semantics), without a broker. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AclOperation as Op,
  AclPermission,
  AclResourceType as Type,
  CLUSTER_NAME,
  PatternType,
  type AclBinding,
} from './acl-model.js';
import { AclStore } from './acl-store.js';
import { Authorizer, parseSuperUsers, type AuthorizerSettings } from './authorizer.js';

let dir: string;
let files = 0;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-authorizer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ALICE = 'User:alice';
const BOB = 'User:bob';
const HOST = '10.0.0.1';

function acl(p: Partial<AclBinding> & Pick<AclBinding, 'operation' | 'resourceName'>): AclBinding {
  return {
    resourceType: Type.TOPIC,
    patternType: PatternType.LITERAL,
    principal: ALICE,
    host: '*',
    permissionType: AclPermission.ALLOW,
    ...p,
  };
}
const allow = (op: number, name: string, p: Partial<AclBinding> = {}): AclBinding =>
  acl({ operation: op, resourceName: name, ...p });
const deny = (op: number, name: string, p: Partial<AclBinding> = {}): AclBinding =>
  acl({ operation: op, resourceName: name, permissionType: AclPermission.DENY, ...p });

async function authorizer(
  acls: AclBinding[],
  settings: Partial<AuthorizerSettings> = {},
): Promise<Authorizer> {
  // A fresh file per authorizer: each call starts from exactly `acls`.
  const store = await AclStore.open(join(dir, `acls-${++files}.json`));
  if (acls.length > 0) await store.create(acls);
  return new Authorizer(
    { enabled: true, superUsers: new Set(), allowEveryoneIfNoAclFound: false, ...settings },
    store,
  );
}

const topic = (a: Authorizer, op: number, name: string, principal = ALICE, host = HOST) =>
  a.authorize(principal, host, op, Type.TOPIC, name);

describe('authorizer', () => {
  it('allows everything when disabled, and nothing without ACLs when enabled', async () => {
    const off = await authorizer([], { enabled: false });
    expect(topic(off, Op.WRITE, 't')).toBe(true);
    expect(off.authorizedOperations(ALICE, HOST, Type.CLUSTER, CLUSTER_NAME)).toBe(
      (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12),
    );
    const on = await authorizer([]);
    expect(topic(on, Op.READ, 't')).toBe(false);
    expect(topic(on, Op.DESCRIBE, 't')).toBe(false);
  });

  it('allows exactly the granted operation on the literal resource', async () => {
    const a = await authorizer([allow(Op.READ, 'orders')]);
    expect(topic(a, Op.READ, 'orders')).toBe(true);
    expect(topic(a, Op.WRITE, 'orders')).toBe(false);
    expect(topic(a, Op.READ, 'orders2')).toBe(false);
    expect(topic(a, Op.READ, 'order')).toBe(false);
    expect(a.authorize(ALICE, HOST, Op.READ, Type.GROUP, 'orders')).toBe(false);
    expect(topic(a, Op.READ, 'orders', BOB)).toBe(false);
  });

  it('lets DENY win over ALLOW, whatever the patterns', async () => {
    const a = await authorizer([
      allow(Op.ALL, 'orders-', { patternType: PatternType.PREFIXED }),
      deny(Op.WRITE, 'orders-eu'),
    ]);
    expect(topic(a, Op.WRITE, 'orders-eu')).toBe(false);
    expect(topic(a, Op.READ, 'orders-eu')).toBe(true);
    expect(topic(a, Op.WRITE, 'orders-us')).toBe(true);
    expect(topic(a, Op.WRITE, 'orders-eu-2')).toBe(true);
    const b = await authorizer([allow(Op.READ, 't'), deny(Op.ALL, '*')]);
    expect(topic(b, Op.READ, 't')).toBe(false);
  });

  it('matches PREFIXED patterns by prefix, at every prefix length', async () => {
    const a = await authorizer([
      allow(Op.READ, 'a', { patternType: PatternType.PREFIXED }),
      allow(Op.WRITE, 'abc-', { patternType: PatternType.PREFIXED }),
      deny(Op.WRITE, 'abc-secret', { patternType: PatternType.PREFIXED }),
    ]);
    expect(topic(a, Op.READ, 'a')).toBe(true);
    expect(topic(a, Op.READ, 'anything')).toBe(true);
    expect(topic(a, Op.READ, 'b')).toBe(false);
    expect(topic(a, Op.WRITE, 'abc-x')).toBe(true);
    expect(topic(a, Op.WRITE, 'abc')).toBe(false);
    expect(topic(a, Op.WRITE, 'abc-secret')).toBe(false);
    expect(topic(a, Op.WRITE, 'abc-secrets')).toBe(false);
  });

  it('treats a LITERAL * as every resource of its type, and nothing else as a wildcard', async () => {
    const a = await authorizer([
      allow(Op.READ, '*'),
      allow(Op.WRITE, 'x*'),
      allow(Op.DESCRIBE, '*', { resourceType: Type.GROUP }),
    ]);
    expect(topic(a, Op.READ, 'anything')).toBe(true);
    expect(topic(a, Op.WRITE, 'x*')).toBe(true);
    expect(topic(a, Op.WRITE, 'xy')).toBe(false);
    expect(a.authorize(ALICE, HOST, Op.DESCRIBE, Type.GROUP, 'g')).toBe(true);
    expect(a.authorize(ALICE, HOST, Op.READ, Type.GROUP, 'g')).toBe(false);
    // A PREFIXED '*' is a prefix like any other: only names starting with '*'.
    const p = await authorizer([allow(Op.READ, '*', { patternType: PatternType.PREFIXED })]);
    expect(topic(p, Op.READ, 'anything')).toBe(false);
    expect(topic(p, Op.READ, '*x')).toBe(true);
  });

  it('implies DESCRIBE from READ, WRITE, DELETE, ALTER and DESCRIBE_CONFIGS from ALTER_CONFIGS (ALLOW only)', async () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER, Op.DESCRIBE]) {
      const a = await authorizer([allow(op, 't')]);
      expect(topic(a, Op.DESCRIBE, 't'), `ALLOW ${op} implies DESCRIBE`).toBe(true);
    }
    for (const op of [Op.CREATE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, Op.IDEMPOTENT_WRITE]) {
      const a = await authorizer([allow(op, 't')]);
      expect(topic(a, Op.DESCRIBE, 't'), `ALLOW ${op} does not imply DESCRIBE`).toBe(false);
    }
    const c = await authorizer([allow(Op.ALTER_CONFIGS, 't')]);
    expect(topic(c, Op.DESCRIBE_CONFIGS, 't')).toBe(true);
    expect(topic(c, Op.ALTER, 't')).toBe(false);
    // DESCRIBE does not imply READ; a DENY of READ does not deny DESCRIBE.
    const d = await authorizer([allow(Op.DESCRIBE, 't'), deny(Op.READ, 't')]);
    expect(topic(d, Op.READ, 't')).toBe(false);
    expect(topic(d, Op.DESCRIBE, 't')).toBe(true);
    // A DENY of DESCRIBE is not lifted by an ALLOW of READ.
    const e = await authorizer([allow(Op.READ, 't'), deny(Op.DESCRIBE, 't')]);
    expect(topic(e, Op.DESCRIBE, 't')).toBe(false);
    expect(topic(e, Op.READ, 't')).toBe(true);
  });

  it('lets ALL match every operation, in ALLOW and in DENY', async () => {
    const a = await authorizer([allow(Op.ALL, 't'), deny(Op.ALL, 'u'), allow(Op.READ, 'u')]);
    for (const op of [Op.READ, Op.WRITE, Op.CREATE, Op.DELETE, Op.ALTER, Op.DESCRIBE]) {
      expect(topic(a, op, 't')).toBe(true);
      expect(topic(a, op, 'u')).toBe(false);
    }
  });

  it('matches User:* and host *, and otherwise the exact principal and host', async () => {
    const a = await authorizer([
      allow(Op.READ, 'shared', { principal: 'User:*' }),
      allow(Op.WRITE, 'pinned', { host: HOST }),
      deny(Op.READ, 'shared', { principal: BOB, host: '10.0.0.9' }),
    ]);
    expect(topic(a, Op.READ, 'shared', BOB)).toBe(true);
    expect(topic(a, Op.READ, 'shared', 'User:ANONYMOUS')).toBe(true);
    expect(topic(a, Op.READ, 'shared', BOB, '10.0.0.9')).toBe(false);
    expect(topic(a, Op.WRITE, 'pinned', ALICE, HOST)).toBe(true);
    expect(topic(a, Op.WRITE, 'pinned', ALICE, '10.0.0.2')).toBe(false);
  });

  it('lets super users do anything, DENY or not', async () => {
    const a = await authorizer([deny(Op.ALL, '*', { principal: 'User:*' })], {
      superUsers: parseSuperUsers(' User:admin ; User:ops;;'),
    });
    expect(topic(a, Op.WRITE, 't', 'User:admin')).toBe(true);
    expect(topic(a, Op.DELETE, 't', 'User:ops')).toBe(true);
    expect(a.authorize('User:ops', HOST, Op.ALTER, Type.CLUSTER, CLUSTER_NAME)).toBe(true);
    expect(topic(a, Op.READ, 't', ALICE)).toBe(false);
    expect([...parseSuperUsers(' User:admin ; User:ops;;')]).toEqual(['User:admin', 'User:ops']);
    expect(() => parseSuperUsers('User:admin;admin')).toThrow(/"admin" is not a principal/);
  });

  it('applies allow.everyone.if.no.acl.found only to resources no ACL covers', async () => {
    const a = await authorizer([allow(Op.READ, 'covered', { principal: BOB })], {
      allowEveryoneIfNoAclFound: true,
    });
    expect(topic(a, Op.WRITE, 'uncovered')).toBe(true);
    // Covered by an ACL of someone else: the ACLs decide, and alice has none.
    expect(topic(a, Op.READ, 'covered')).toBe(false);
    expect(topic(a, Op.READ, 'covered', BOB)).toBe(true);
    const b = await authorizer([], { allowEveryoneIfNoAclFound: false });
    expect(topic(b, Op.WRITE, 'uncovered')).toBe(false);
  });

  it('sees ACL changes at once (the decision cache is dropped)', async () => {
    const a = await authorizer([]);
    expect(topic(a, Op.READ, 't')).toBe(false);
    await a.store.create([allow(Op.READ, 't')]);
    expect(topic(a, Op.READ, 't')).toBe(true);
    await a.store.delete([
      {
        resourceType: Type.ANY,
        resourceName: null,
        patternType: PatternType.ANY,
        principal: null,
        host: null,
        operation: Op.ANY,
        permissionType: AclPermission.ANY,
      },
    ]);
    expect(topic(a, Op.READ, 't')).toBe(false);
  });

  it('computes authorized-operation bitfields from the supported operations', async () => {
    const a = await authorizer([
      allow(Op.READ, 't'),
      allow(Op.ALTER_CONFIGS, 't'),
      allow(Op.DESCRIBE, CLUSTER_NAME, { resourceType: Type.CLUSTER }),
    ]);
    const bits = (ops: number[]) => ops.reduce((m, op) => m | (1 << op), 0);
    expect(a.authorizedOperations(ALICE, HOST, Type.TOPIC, 't')).toBe(
      bits([Op.READ, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]),
    );
    expect(a.authorizedOperations(ALICE, HOST, Type.CLUSTER, CLUSTER_NAME)).toBe(
      bits([Op.DESCRIBE]),
    );
    expect(a.authorizedOperations(BOB, HOST, Type.TOPIC, 't')).toBe(0);
  });

  describe('authorizeByResourceType (idempotent producers: WRITE on any topic)', () => {
    const any = (a: Authorizer, principal = ALICE) =>
      a.authorizeByResourceType(principal, HOST, Op.WRITE, Type.TOPIC);

    it('is allowed by an ALLOW on some literal name or prefix, or a wildcard', async () => {
      expect(any(await authorizer([allow(Op.WRITE, 't')]))).toBe(true);
      expect(
        any(await authorizer([allow(Op.ALL, 'p-', { patternType: PatternType.PREFIXED })])),
      ).toBe(true);
      expect(any(await authorizer([allow(Op.WRITE, '*', { principal: 'User:*' })]))).toBe(true);
    });

    it('is denied without a WRITE/ALL ALLOW (no implication), or when DENYs cover every ALLOW', async () => {
      expect(any(await authorizer([allow(Op.READ, 't')]))).toBe(false);
      expect(any(await authorizer([allow(Op.WRITE, 't'), deny(Op.WRITE, 't')]))).toBe(false);
      expect(
        any(
          await authorizer([
            allow(Op.WRITE, 'team-a', { patternType: PatternType.PREFIXED }),
            deny(Op.WRITE, 'team-', { patternType: PatternType.PREFIXED }),
          ]),
        ),
      ).toBe(false);
      expect(any(await authorizer([allow(Op.WRITE, '*'), deny(Op.WRITE, '*')]))).toBe(false);
      // A literal DENY on another name does not cover the ALLOW.
      expect(any(await authorizer([allow(Op.WRITE, 't'), deny(Op.WRITE, 'u')]))).toBe(true);
    });

    it('allows super users and, with allow.everyone.if.no.acl.found, principals when nothing is covered', async () => {
      expect(any(await authorizer([], { superUsers: new Set([ALICE]) }))).toBe(true);
      expect(any(await authorizer([], { allowEveryoneIfNoAclFound: true }))).toBe(true);
      expect(any(await authorizer([]))).toBe(false);
    });
  });
});
