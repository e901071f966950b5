/**
 * Kafka's ACL vocabulary (org.apache.kafka.common.acl / resource): the wire codes of resource
 * types, pattern types, operations and permissions, their names (used in meta/acls.json and on
 * the admin endpoint), ACL bindings and filters, and the rules that decide whether a binding
 * may be created and which bindings a filter selects (ResourcePatternFilter.matches,
 * AccessControlEntryFilter.matches).
 */

/** ResourceType codes. ANY only in filters; UNKNOWN (0) never valid. */
export const AclResourceType = {
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

/** PatternType codes. ANY and MATCH only in filters. */
export const PatternType = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

/** AclOperation codes. ANY only in filters; ALL matches every operation. */
export const AclOperation = {
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

/** AclPermissionType codes. ANY only in filters. */
export const AclPermission = { ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The one name of the CLUSTER resource. */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL resource name that matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';

type CodeTable = Readonly<Record<string, number>>;

function namesOf(table: CodeTable): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name]));
}

const RESOURCE_TYPE_NAMES = namesOf(AclResourceType);
const PATTERN_TYPE_NAMES = namesOf(PatternType);
const OPERATION_NAMES = namesOf(AclOperation);
const PERMISSION_NAMES = namesOf(AclPermission);

export const resourceTypeName = (code: number): string =>
  RESOURCE_TYPE_NAMES.get(code) ?? 'UNKNOWN';
export const patternTypeName = (code: number): string => PATTERN_TYPE_NAMES.get(code) ?? 'UNKNOWN';
export const operationName = (code: number): string => OPERATION_NAMES.get(code) ?? 'UNKNOWN';
export const permissionName = (code: number): string => PERMISSION_NAMES.get(code) ?? 'UNKNOWN';

/** Operations each resource type supports (Kafka's AclEntry.supportedOperations): the authorized-operations bitfields. */
export const SUPPORTED_OPERATIONS: Readonly<Record<number, readonly number[]>> = {
  [AclResourceType.TOPIC]: [
    AclOperation.READ,
    AclOperation.WRITE,
    AclOperation.CREATE,
    AclOperation.DESCRIBE,
    AclOperation.DELETE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
  ],
  [AclResourceType.GROUP]: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE],
  [AclResourceType.CLUSTER]: [
    AclOperation.CREATE,
    AclOperation.CLUSTER_ACTION,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
    AclOperation.IDEMPOTENT_WRITE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
  ],
  [AclResourceType.TRANSACTIONAL_ID]: [AclOperation.DESCRIBE, AclOperation.WRITE],
};

/** One ACL: who (principal, host) may or may not (permission) do what (operation) to which resources. */
export interface AclBinding {
  readonly resourceType: number;
  readonly resourceName: string;
  /** LITERAL or PREFIXED. */
  readonly patternType: number;
  /** `User:<id>`, or `User:*` for every principal. */
  readonly principal: string;
  /** A client IP address, or `*` for every host. */
  readonly host: string;
  readonly operation: number;
  readonly permissionType: number;
}

/** Selects bindings (DescribeAcls, DeleteAcls): ANY codes and null strings match everything. */
export interface AclFilter {
  readonly resourceType: number;
  readonly resourceName: string | null;
  /** ANY, MATCH (every pattern that would match the name), LITERAL or PREFIXED. */
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

export const MATCH_ALL_FILTER: AclFilter = {
  resourceType: AclResourceType.ANY,
  resourceName: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: AclOperation.ANY,
  permissionType: AclPermission.ANY,
};

/** Identity of a binding: ACLs are a set, a binding created twice exists once. */
export function bindingKey(b: AclBinding): string {
  return [
    b.resourceType,
    b.patternType,
    b.operation,
    b.permissionType,
    b.resourceName,
    b.principal,
    b.host,
  ].join('\u0000');
}

const isConcrete = (code: number, table: ReadonlyMap<number, string>, any: number): boolean =>
  table.has(code) && code !== any;

/**
 * Why a binding cannot be created (Kafka answers INVALID_REQUEST with these reasons), or null.
 * Unknown codes and the filter-only ANY/MATCH values are refused, as are an empty resource
 * name, a CLUSTER resource not named kafka-cluster and a principal without a type.
 */
export function bindingProblem(b: AclBinding): string | null {
  if (!isConcrete(b.resourceType, RESOURCE_TYPE_NAMES, AclResourceType.ANY))
    return `Invalid resourceType ${resourceTypeName(b.resourceType)}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED)
    return `Invalid patternType ${patternTypeName(b.patternType)}`;
  if (!isConcrete(b.operation, OPERATION_NAMES, AclOperation.ANY))
    return `Invalid operation ${operationName(b.operation)}`;
  if (!isConcrete(b.permissionType, PERMISSION_NAMES, AclPermission.ANY))
    return `Invalid permissionType ${permissionName(b.permissionType)}`;
  if (b.resourceName === '') return 'Invalid empty resource name';
  if (b.resourceType === AclResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME)
    return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (!b.principal.includes(':'))
    return `Could not parse principal from \`${b.principal}\` (no colon is present separating the principal type from the principal name)`;
  if (b.host === '') return 'Invalid empty host';
  return null;
}

/** Why a filter is unusable (an UNKNOWN or out-of-range code), or null. */
export function filterProblem(f: AclFilter): string | null {
  if (!RESOURCE_TYPE_NAMES.has(f.resourceType)) return 'Unknown resource type in filter';
  if (!PATTERN_TYPE_NAMES.has(f.patternType)) return 'Unknown pattern type in filter';
  if (!OPERATION_NAMES.has(f.operation)) return 'Unknown operation in filter';
  if (!PERMISSION_NAMES.has(f.permissionType)) return 'Unknown permission type in filter';
  return null;
}

/** Kafka's ResourcePatternFilter.matches. */
function patternMatches(f: AclFilter, b: AclBinding): boolean {
  if (f.resourceType !== AclResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (
    f.patternType !== PatternType.ANY &&
    f.patternType !== PatternType.MATCH &&
    f.patternType !== b.patternType
  )
    return false;
  if (f.resourceName === null) return true;
  if (f.patternType === PatternType.ANY || f.patternType === b.patternType)
    return f.resourceName === b.resourceName;
  // MATCH: every binding whose pattern covers the named resource.
  return b.patternType === PatternType.LITERAL
    ? f.resourceName === b.resourceName || b.resourceName === WILDCARD_RESOURCE
    : f.resourceName.startsWith(b.resourceName);
}

/** Kafka's AclBindingFilter.matches: pattern, then the entry's exact principal/host/operation/permission. */
export function filterMatches(f: AclFilter, b: AclBinding): boolean {
  return (
    patternMatches(f, b) &&
    (f.principal === null || f.principal === b.principal) &&
    (f.host === null || f.host === b.host) &&
    (f.operation === AclOperation.ANY || f.operation === b.operation) &&
    (f.permissionType === AclPermission.ANY || f.permissionType === b.permissionType)
  );
}

/** A readable form for logs and messages: `User:alice from * ALLOW READ on TOPIC:PREFIXED:orders-`. */
export function describeBinding(b: AclBinding): string {
  return (
    `${b.principal} from ${b.host} ${permissionName(b.permissionType)} ${operationName(b.operation)} ` +
    `on ${resourceTypeName(b.resourceType)}:${patternTypeName(b.patternType)}:${b.resourceName}`
  );
}
