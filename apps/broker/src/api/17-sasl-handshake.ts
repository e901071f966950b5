/**
 * SaslHandshake (key 17), versions 0-1.
 * Chooses the SASL mechanism of a connection on a SASL listener (sasl.enabled.mechanisms);
 * the answer always lists the enabled mechanisms. An unsupported mechanism answers
 * UNSUPPORTED_SASL_MECHANISM and a handshake out of order ILLEGAL_SASL_STATE; both then
 * close the connection, as Kafka does. On an authenticated connection whose session has a
 * lifetime it begins a re-authentication (KIP-368); otherwise it answers ILLEGAL_SASL_STATE
 * and the connection stays open (also on non-SASL listeners).
 * v0: the SASL tokens that follow are raw size-prefixed frames, not SaslAuthenticate requests.
 * v1: tokens travel in SaslAuthenticate.
 */
import {
  ApiKey,
  ErrorCode,
  makeSaslHandshakeResponse,
  readSaslHandshakeRequest,
  writeSaslHandshakeResponse,
} from '@tributary/kafka-protocol';
import { defineHandler } from './handler.js';

export const saslHandshakeHandler = defineHandler({
  apiKey: ApiKey.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readSaslHandshakeRequest,
  writeResponse: writeSaslHandshakeResponse,
  handle(req, ctx) {
    const mechanisms = [...ctx.broker.sasl.settings.mechanisms];
    const session = ctx.broker.sasl.sessionOf(ctx.connection);
    if (!session) {
      return makeSaslHandshakeResponse({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms });
    }
    const outcome = session.handshake(req.mechanism, ctx.apiVersion);
    if (outcome.close) ctx.onResponseWritten(() => session.close());
    return makeSaslHandshakeResponse({ errorCode: outcome.errorCode, mechanisms });
  },
});
