/**
 * SaslAuthenticate (key 36), versions 0-2.
 * Carries one SASL token each way after SaslHandshake v1 (PLAIN: one round trip; SCRAM: two).
 * A failure answers SASL_AUTHENTICATION_FAILED with one generic message whatever went wrong,
 * held for connection.failed.authentication.delay.ms (longer for repeated failures from the
 * same address), then the connection closes. Out of order it answers ILLEGAL_SASL_STATE and
 * closes; after a completed authentication (or on a non-SASL listener) it answers
 * ILLEGAL_SASL_STATE and the connection stays open.
 * v1+: session_lifetime_ms = min(connections.max.reauth.ms, the key's remaining validity) when
 * either is set, else 0; the client re-authenticates before it ends (KIP-368).
 * v2: flexible encoding.
 */
import {
  ApiKey,
  ErrorCode,
  makeSaslAuthenticateResponse,
  readSaslAuthenticateRequest,
  writeSaslAuthenticateResponse,
} from '@tributary/kafka-protocol';
import { defineHandler } from './handler.js';

export const saslAuthenticateHandler = defineHandler({
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readSaslAuthenticateRequest,
  writeResponse: writeSaslAuthenticateResponse,
  async handle(req, ctx) {
    const session = ctx.broker.sasl.sessionOf(ctx.connection);
    if (!session) {
      return makeSaslAuthenticateResponse({
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate request received on a listener without SASL',
      });
    }
    const outcome = await session.authenticate(req.authBytes, ctx.signal);
    if (outcome.close) ctx.onResponseWritten(() => session.close());
    return makeSaslAuthenticateResponse({
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
      authBytes: outcome.token,
      sessionLifetimeMs: outcome.sessionLifetimeMs,
    });
  },
});
