/**
 * InitProducerId (key 22), versions 0-5, for idempotent producers.
 * Without a transactional id: a new producer id at epoch 0; with the caller's current
 * (producerId, epoch) (KIP-360, v3+) the same id at epoch + 1, or a fresh id once the epoch
 * would overflow. Transactional ids are refused: transactions are not implemented
 * (apps/broker/SKIPPED.md), and the client reports that the broker does not support them.
 * Authorization (as Kafka 3.0+, KIP-679): with a transactional id, WRITE on it, else
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED; without, IDEMPOTENT_WRITE on the cluster or WRITE on
 * some topic, else CLUSTER_AUTHORIZATION_FAILED.
 */
import {
  ApiKey,
  ErrorCode,
  makeInitProducerIdResponse,
  readInitProducerIdRequest,
  writeInitProducerIdResponse,
} from '@tributary/kafka-protocol';
import {
  AclOperation,
  AclResourceType,
  canAccess,
  canWriteIdempotently,
} from '../security/acl/request-authz.js';
import { defineHandler, type RequestContext } from './handler.js';

const MAX_EPOCH = 32767;

function authorizationError(ctx: RequestContext, transactionalId: string | null): number {
  if (transactionalId !== null) {
    return canAccess(ctx, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, transactionalId)
      ? ErrorCode.NONE
      : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  }
  return canWriteIdempotently(ctx) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readInitProducerIdRequest,
  writeResponse: writeInitProducerIdResponse,
  async handle(req, ctx) {
    const denied = authorizationError(ctx, req.transactionalId);
    if (denied)
      return makeInitProducerIdResponse({ errorCode: denied, producerId: -1, producerEpoch: -1 });
    if (req.transactionalId !== null) {
      return makeInitProducerIdResponse({
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        producerId: -1,
        producerEpoch: -1,
      });
    }
    if (req.producerId >= 0 && req.producerEpoch >= 0 && req.producerEpoch < MAX_EPOCH - 1) {
      return makeInitProducerIdResponse({
        errorCode: ErrorCode.NONE,
        producerId: req.producerId,
        producerEpoch: req.producerEpoch + 1,
      });
    }
    const producerId = await ctx.broker.producerIds.allocate();
    return makeInitProducerIdResponse({ errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 });
  },
});
