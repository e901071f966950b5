/**
 * The contract every API handler file implements. A handler serves one API key over a
 * version range; ApiVersions is computed from the registered handlers, so what the broker
 * advertises and what it implements cannot drift.
 *
 * Kafka errors are response data (error codes per topic/partition/group). A handler throws
 * only for conditions that must close the connection (a malformed request body is one).
 */
import type { Reader, Writer } from '@tributary/kafka-protocol';
import type { BrokerContext } from '../context.js';
import type { ConnectionInfo } from '../server/connection-info.js';

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no response');

export interface RequestContext {
  readonly broker: BrokerContext;
  readonly connection: ConnectionInfo;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** Aborted when the connection closes: long waits (fetch, join) stop early. */
  readonly signal: AbortSignal;
  /** Registers a callback run once this request's response is handed to the socket. */
  onResponseWritten(cb: () => void): void;
  /** Quota throttling: stop reading from this connection for `ms` once the response is sent. */
  muteAfterResponse(ms: number): void;
}

export interface Handler<Req, Res> {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly readRequest: (r: Reader, version: number) => Req;
  readonly writeResponse: (w: Writer, v: Res, version: number) => void;
  handle(
    req: Req,
    ctx: RequestContext,
  ): Res | typeof NO_RESPONSE | Promise<Res | typeof NO_RESPONSE>;
}

/** Identity helper that keeps a handler's request/response types tied together. */
export function defineHandler<Req, Res>(h: Handler<Req, Res>): Handler<Req, Res> {
  return h;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds handlers of every message type
export type AnyHandler = Handler<any, any>;
