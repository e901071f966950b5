/**
 * FindCoordinator (key 10), versions 0-6.
 * This broker coordinates every consumer group (key type 0), so it answers with itself. For
 * transactional ids (1) it answers with itself too, so that the client's next request,
 * InitProducerId, gets the clear "transactions not supported" answer (UNSUPPORTED_VERSION)
 * instead of retrying a coordinator lookup until it times out. Share groups (2) get
 * COORDINATOR_NOT_AVAILABLE; any other key type is INVALID_REQUEST. Kafka does not validate the group id
 * here (an empty one is found like any other), and neither do we.
 * Authorization (as Kafka): DESCRIBE on the group, else GROUP_AUTHORIZATION_FAILED; DESCRIBE
 * on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED (no node in either).
 * Version notes: v0 has no key type (always group); v1-3 add error_message (Kafka sends the
 * error's message, "NONE" on success); v4+ batches coordinator_keys with a result per key.
 */
import {
  ApiKey,
  ErrorCode,
  makeFindCoordinatorResponse,
  makeFindCoordinatorResponseCoordinator,
  readFindCoordinatorRequest,
  writeFindCoordinatorResponse,
  type FindCoordinatorResponseCoordinator,
} from '@tributary/kafka-protocol';
import type { ListenerConfig } from '../config/listeners.js';
import type { BrokerContext } from '../context.js';
import {
  AUTHORIZATION_MESSAGES,
  AclOperation,
  AclResourceType,
  canAccess,
} from '../security/acl/request-authz.js';
import { defineHandler, type RequestContext } from './handler.js';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;
const KEY_TYPE_SHARE = 2;

const MESSAGES: Readonly<Record<number, string>> = {
  [ErrorCode.NONE]: 'NONE',
  [ErrorCode.COORDINATOR_NOT_AVAILABLE]: 'The coordinator is not available.',
  [ErrorCode.INVALID_REQUEST]: 'Unknown coordinator type.',
  ...AUTHORIZATION_MESSAGES,
};

/** The authorization error for looking up this key's coordinator, or NONE. */
function denied(ctx: RequestContext, key: string, keyType: number): number {
  if (
    keyType === KEY_TYPE_GROUP &&
    !canAccess(ctx, AclOperation.DESCRIBE, AclResourceType.GROUP, key)
  )
    return ErrorCode.GROUP_AUTHORIZATION_FAILED;
  if (
    keyType === KEY_TYPE_TRANSACTION &&
    !canAccess(ctx, AclOperation.DESCRIBE, AclResourceType.TRANSACTIONAL_ID, key)
  )
    return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  return ErrorCode.NONE;
}

function locate(
  broker: BrokerContext,
  listener: ListenerConfig,
  key: string,
  keyType: number,
  deniedCode: number,
): FindCoordinatorResponseCoordinator {
  const errorCode = deniedCode
    ? deniedCode
    : keyType === KEY_TYPE_GROUP || keyType === KEY_TYPE_TRANSACTION
      ? ErrorCode.NONE
      : keyType === KEY_TYPE_SHARE
        ? ErrorCode.COORDINATOR_NOT_AVAILABLE
        : ErrorCode.INVALID_REQUEST;
  const ok = errorCode === ErrorCode.NONE;
  return makeFindCoordinatorResponseCoordinator({
    key,
    nodeId: ok ? broker.config.nodeId : -1,
    host: ok ? listener.advertisedHost : '',
    port: ok ? listener.advertisedPort : -1,
    errorCode,
    errorMessage: null,
  });
}

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  readRequest: readFindCoordinatorRequest,
  writeResponse: writeFindCoordinatorResponse,
  handle(req, ctx) {
    const { broker, apiVersion, connection } = ctx;
    const keyType = apiVersion >= 1 ? req.keyType : KEY_TYPE_GROUP;
    if (apiVersion >= 4) {
      return makeFindCoordinatorResponse({
        coordinators: req.coordinatorKeys.map((k) =>
          locate(broker, connection.listener, k, keyType, denied(ctx, k, keyType)),
        ),
      });
    }
    const c = locate(broker, connection.listener, req.key, keyType, denied(ctx, req.key, keyType));
    return makeFindCoordinatorResponse({
      errorCode: c.errorCode,
      errorMessage: MESSAGES[c.errorCode] ?? null,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    });
  },
});
