/**
 * InitProducerId (key 22), versions 0-5, for idempotent producers.
 * Without a transactional id: a new producer id at epoch 0; with the caller's current
 * (producerId, epoch) (KIP-360, v3+) the same id at epoch + 1, or a fresh id once the epoch
 * would overflow. Transactional ids are refused: transactions are not implemented
 * (apps/broker/SKIPPED.md), and the client reports that the broker does not support them.
 */
import {
  ApiKey,
  ErrorCode,
  makeInitProducerIdResponse,
  readInitProducerIdRequest,
  writeInitProducerIdResponse,
} from '@tributary/kafka-protocol';
import { defineHandler } from './handler.js';

const MAX_EPOCH = 32767;

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readInitProducerIdRequest,
  writeResponse: writeInitProducerIdResponse,
  async handle(req, ctx) {
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
