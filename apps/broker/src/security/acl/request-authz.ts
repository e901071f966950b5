/**
 * What handlers call to authorize a request: the connection's principal and client address
 * against the broker's authorizer. Each handler keeps its check to a line or two; the
 * operation each API needs is written next to the call, as in Kafka's KafkaApis.
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import type { RequestContext } from '../../api/handler.js';
import { AclOperation, AclResourceType, CLUSTER_NAME } from './acl-model.js';

export { AclOperation, AclResourceType } from './acl-model.js';

/** Kafka's default messages for the authorization errors (Errors.X.message()). */
export const AUTHORIZATION_MESSAGES: Readonly<Record<number, string>> = {
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED]: 'Topic authorization failed.',
  [ErrorCode.GROUP_AUTHORIZATION_FAILED]: 'Group authorization failed.',
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED]: 'Cluster authorization failed.',
  [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]: 'Transactional Id authorization failed.',
};

/** The client address ACL hosts are compared with: IPv4-mapped IPv6 addresses as plain IPv4. */
export function clientHost(ctx: RequestContext): string {
  const address = ctx.connection.remoteAddress;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Is the authorizer enforcing ACLs? (Off, every check below answers true.) */
export function authorizerEnabled(ctx: RequestContext): boolean {
  return ctx.broker.authorizer.enabled;
}

export function canAccess(
  ctx: RequestContext,
  operation: number,
  resourceType: number,
  name: string,
): boolean {
  const { authorizer } = ctx.broker;
  if (!authorizer.enabled) return true;
  return authorizer.authorize(
    ctx.connection.principal,
    clientHost(ctx),
    operation,
    resourceType,
    name,
  );
}

export const canAccessTopic = (ctx: RequestContext, operation: number, topic: string): boolean =>
  canAccess(ctx, operation, AclResourceType.TOPIC, topic);

export const canAccessGroup = (ctx: RequestContext, operation: number, groupId: string): boolean =>
  canAccess(ctx, operation, AclResourceType.GROUP, groupId);

export const canAccessCluster = (ctx: RequestContext, operation: number): boolean =>
  canAccess(ctx, operation, AclResourceType.CLUSTER, CLUSTER_NAME);

/** WRITE on any topic, or the like: Kafka's authorizeByResourceType. */
export function canAccessSomeResource(
  ctx: RequestContext,
  operation: number,
  resourceType: number,
): boolean {
  const { authorizer } = ctx.broker;
  if (!authorizer.enabled) return true;
  return authorizer.authorizeByResourceType(
    ctx.connection.principal,
    clientHost(ctx),
    operation,
    resourceType,
  );
}

/** The idempotent producer's right: IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679). */
export const canWriteIdempotently = (ctx: RequestContext): boolean =>
  canAccessCluster(ctx, AclOperation.IDEMPOTENT_WRITE) ||
  canAccessSomeResource(ctx, AclOperation.WRITE, AclResourceType.TOPIC);

/** The names the principal may perform `operation` on (each name decided once). */
export function allowedNames(
  ctx: RequestContext,
  operation: number,
  resourceType: number,
  names: Iterable<string>,
): Set<string> {
  const out = new Set<string>();
  for (const name of names) if (canAccess(ctx, operation, resourceType, name)) out.add(name);
  return out;
}

/**
 * The authorized-operations bitfield of a resource (Metadata v8+, DescribeGroups v3+,
 * DescribeCluster): every supported operation without an authorizer.
 */
export function authorizedOperations(
  ctx: RequestContext,
  resourceType: number,
  name: string,
): number {
  return ctx.broker.authorizer.authorizedOperations(
    ctx.connection.principal,
    clientHost(ctx),
    resourceType,
    name,
  );
}

/** Cluster operations as Kafka reports them: 0 unless the principal may DESCRIBE the cluster. */
export function clusterAuthorizedOperations(ctx: RequestContext): number {
  if (!canAccessCluster(ctx, AclOperation.DESCRIBE)) return 0;
  return authorizedOperations(ctx, AclResourceType.CLUSTER, CLUSTER_NAME);
}

/** CreateTopics and Metadata auto-creation: CREATE on the cluster, or on the topic. */
export const canCreateTopic = (ctx: RequestContext, topic: string): boolean =>
  canAccessCluster(ctx, AclOperation.CREATE) || canAccessTopic(ctx, AclOperation.CREATE, topic);

/** Config resource types (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs). */
const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 };

/**
 * The authorization error for describing (DESCRIBE_CONFIGS) or altering (ALTER_CONFIGS) a
 * config resource, as Kafka: a topic's own, a group's own, the cluster's for broker, broker
 * logger and client-metrics resources; NONE when allowed or for a type Kafka does not know.
 */
export function configResourceDenied(
  ctx: RequestContext,
  operation: number,
  resourceType: number,
  name: string,
): number {
  switch (resourceType) {
    case ConfigResourceType.TOPIC:
      return canAccessTopic(ctx, operation, name)
        ? ErrorCode.NONE
        : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    case ConfigResourceType.GROUP:
      return canAccessGroup(ctx, operation, name)
        ? ErrorCode.NONE
        : ErrorCode.GROUP_AUTHORIZATION_FAILED;
    case ConfigResourceType.BROKER:
    case ConfigResourceType.BROKER_LOGGER:
    case ConfigResourceType.CLIENT_METRICS:
      return canAccessCluster(ctx, operation)
        ? ErrorCode.NONE
        : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    default:
      return ErrorCode.NONE;
  }
}

/** AlterConfigs/IncrementalAlterConfigs: ALTER_CONFIGS per resource, refused without a message (as Kafka). */
export function alterConfigsDenied(ctx: RequestContext): (r: {
  resourceType: number;
  resourceName: string;
}) => {
  errorCode: number;
  errorMessage: null;
} | null {
  return (r) => {
    const code = configResourceDenied(
      ctx,
      AclOperation.ALTER_CONFIGS,
      r.resourceType,
      r.resourceName,
    );
    return code ? { errorCode: code, errorMessage: null } : null;
  };
}
