/**
 * Kafka's ACL authorizer (StandardAuthorizer semantics):
 *  - disabled (authorizer.enabled=false, the default) everything is allowed, as a Kafka broker
 *    without an authorizer;
 *  - super users (super.users, `;`-separated principals) are allowed everything;
 *  - otherwise the bindings that cover the resource (LITERAL name, LITERAL `*`, PREFIXED
 *    prefixes of the name) decide. A binding applies when its principal is the caller's or
 *    `User:*`, its host is the caller's address or `*`, and its operation is the requested one
 *    or ALL. Any applicable DENY wins. An ALLOW of READ, WRITE, DELETE or ALTER also allows
 *    DESCRIBE, and ALTER_CONFIGS allows DESCRIBE_CONFIGS (implication works for ALLOW only: a
 *    DENY of READ does not deny DESCRIBE). No ALLOW: denied;
 *  - a resource no binding covers at all (whoever the principal) is allowed only with
 *    allow.everyone.if.no.acl.found=true.
 *
 * Decisions run per topic on the produce and fetch paths, so they are cached per
 * (principal, host, operation, resource) until the ACLs change; a miss costs a few map
 * lookups in the index (acl-index.ts).
 */
import { configBool, configString, type BrokerConfig } from '../../config/broker-config.js';
import type { DataDir } from '../../storage/data-dir.js';
import { AclIndex } from './acl-index.js';
import {
  AclOperation,
  AclPermission,
  PatternType,
  SUPPORTED_OPERATIONS,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
  type AclBinding,
} from './acl-model.js';
import { AclStore, aclsFile } from './acl-store.js';

export interface AuthorizerSettings {
  enabled: boolean;
  superUsers: ReadonlySet<string>;
  allowEveryoneIfNoAclFound: boolean;
}

/** Reads authorizer.enabled, super.users and allow.everyone.if.no.acl.found. */
export function authorizerSettings(config: BrokerConfig): AuthorizerSettings {
  return {
    enabled: configBool(config, 'authorizer.enabled'),
    superUsers: parseSuperUsers(configString(config, 'super.users')),
    allowEveryoneIfNoAclFound: configBool(config, 'allow.everyone.if.no.acl.found'),
  };
}

/**
 * Kafka's super.users syntax: principals separated by `;`, blanks ignored. An entry without a
 * `Type:` prefix could never match a principal: refused, so a typo does not go unnoticed.
 */
export function parseSuperUsers(value: string): ReadonlySet<string> {
  const users = value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = users.find((u) => !/^[^:]+:.+$/.test(u));
  if (bad !== undefined)
    throw new Error(`super.users: "${bad}" is not a principal (expected e.g. User:admin)`);
  return new Set(users);
}

const IMPLIES_DESCRIBE: ReadonlySet<number> = new Set([
  AclOperation.DESCRIBE,
  AclOperation.READ,
  AclOperation.WRITE,
  AclOperation.DELETE,
  AclOperation.ALTER,
]);
const IMPLIES_DESCRIBE_CONFIGS: ReadonlySet<number> = new Set([
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
]);

/** Whether an ALLOW binding of `granted` allows `wanted`. */
function allowCovers(granted: number, wanted: number): boolean {
  if (granted === AclOperation.ALL || granted === wanted) return true;
  if (wanted === AclOperation.DESCRIBE) return IMPLIES_DESCRIBE.has(granted);
  if (wanted === AclOperation.DESCRIBE_CONFIGS) return IMPLIES_DESCRIBE_CONFIGS.has(granted);
  return false;
}

function appliesTo(b: AclBinding, principal: string, host: string): boolean {
  return (
    (b.principal === principal || b.principal === WILDCARD_PRINCIPAL) &&
    (b.host === host || b.host === WILDCARD_HOST)
  );
}

/** The decision for one request on one resource, from the bindings that cover it. */
export function decide(
  bindings: readonly AclBinding[],
  principal: string,
  host: string,
  operation: number,
  allowEveryoneIfNoAclFound: boolean,
): boolean {
  if (bindings.length === 0) return allowEveryoneIfNoAclFound;
  let allowed = false;
  for (const b of bindings) {
    if (!appliesTo(b, principal, host)) continue;
    if (b.permissionType === AclPermission.DENY) {
      if (b.operation === operation || b.operation === AclOperation.ALL) return false;
    } else if (!allowed && allowCovers(b.operation, operation)) {
      allowed = true;
    }
  }
  return allowed;
}

const CACHE_LIMIT = 100_000;

/**
 * Decisions by principal, host, (operation, resource type) and resource name. Nested maps
 * rather than one composite string key: the principal and host strings are the connection's
 * own (their hashes are cached), so a hit costs three short lookups and no string building.
 */
class DecisionCache {
  private readonly byPrincipal = new Map<string, Map<string, Array<Map<string, boolean>>>>();
  private size = 0;

  /** The decisions for one (principal, host, operation, resource type), created on demand. */
  slot(
    principal: string,
    host: string,
    operation: number,
    resourceType: number,
  ): Map<string, boolean> {
    let byHost = this.byPrincipal.get(principal);
    if (!byHost) {
      byHost = new Map();
      this.byPrincipal.set(principal, byHost);
    }
    let slots = byHost.get(host);
    if (!slots) {
      slots = [];
      byHost.set(host, slots);
    }
    const i = operation * 8 + resourceType;
    let decisions = slots[i];
    if (!decisions) {
      decisions = new Map();
      slots[i] = decisions;
    }
    return decisions;
  }

  /** Counts an insertion; past CACHE_LIMIT everything is dropped (decisions are cheap to redo). */
  added(): void {
    if (++this.size > CACHE_LIMIT) this.clear();
  }

  clear(): void {
    this.byPrincipal.clear();
    this.size = 0;
  }
}

export class Authorizer {
  private index: AclIndex;
  private readonly cache = new DecisionCache();

  constructor(
    readonly settings: AuthorizerSettings,
    readonly store: AclStore,
  ) {
    this.index = new AclIndex(store.list());
    store.onChange((acls) => {
      this.index = new AclIndex(acls);
      this.cache.clear();
    });
  }

  static async open(config: BrokerConfig, dir: DataDir): Promise<Authorizer> {
    return new Authorizer(authorizerSettings(config), await AclStore.open(aclsFile(dir)));
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** May `principal`, connected from `host`, perform `operation` on the resource (type, name)? */
  authorize(
    principal: string,
    host: string,
    operation: number,
    resourceType: number,
    name: string,
  ): boolean {
    if (!this.settings.enabled || this.settings.superUsers.has(principal)) return true;
    const decisions = this.cache.slot(principal, host, operation, resourceType);
    const cached = decisions.get(name);
    if (cached !== undefined) return cached;
    const result = decide(
      this.index.matching(resourceType, name),
      principal,
      host,
      operation,
      this.settings.allowEveryoneIfNoAclFound,
    );
    decisions.set(name, result);
    this.cache.added();
    return result;
  }

  /**
   * May the principal perform `operation` on at least one resource of the type? Kafka's
   * Authorizer.authorizeByResourceType: allowed by a LITERAL `*` ALLOW, or by an ALLOW on a
   * literal name or prefix that no DENY covers (a DENY on the same literal name, on a prefix of
   * it, or a LITERAL `*` DENY). Only exact operations (or ALL) count; no implication.
   * Used for the idempotent producer: WRITE on any topic stands in for IDEMPOTENT_WRITE.
   */
  authorizeByResourceType(
    principal: string,
    host: string,
    operation: number,
    resourceType: number,
  ): boolean {
    // A name no one uses: super users, and allow.everyone.if.no.acl.found when nothing covers it.
    if (this.authorize(principal, host, operation, resourceType, 'hardcode')) return true;
    const denyLiteral = new Set<string>();
    const denyPrefixed = new Set<string>();
    const allows: AclBinding[] = [];
    let wildcardAllow = false;
    for (const b of this.index.ofType(resourceType)) {
      if (!appliesTo(b, principal, host)) continue;
      if (b.operation !== operation && b.operation !== AclOperation.ALL) continue;
      if (b.permissionType === AclPermission.DENY) {
        if (b.patternType === PatternType.LITERAL) {
          if (b.resourceName === WILDCARD_RESOURCE) return false;
          denyLiteral.add(b.resourceName);
        } else {
          denyPrefixed.add(b.resourceName);
        }
      } else {
        if (b.patternType === PatternType.LITERAL && b.resourceName === WILDCARD_RESOURCE)
          wildcardAllow = true;
        else allows.push(b);
      }
    }
    if (wildcardAllow) return true;
    return allows.some((b) => {
      if (b.patternType === PatternType.LITERAL && denyLiteral.has(b.resourceName)) return false;
      for (let len = 1; len <= b.resourceName.length; len++)
        if (denyPrefixed.has(b.resourceName.slice(0, len))) return false;
      return true;
    });
  }

  /** Kafka's authorized-operations bitfield: bit `op` set for each supported operation allowed on the resource. */
  authorizedOperations(
    principal: string,
    host: string,
    resourceType: number,
    name: string,
  ): number {
    let bits = 0;
    for (const op of SUPPORTED_OPERATIONS[resourceType] ?? []) {
      if (this.authorize(principal, host, op, resourceType, name)) bits |= 1 << op;
    }
    return bits;
  }
}
