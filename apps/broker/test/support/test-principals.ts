/**
 * TEST ONLY. Gives connections distinct Kafka principals without SASL, so ACL tests can run
 * against a PLAINTEXT listener: every handler of an in-process broker is wrapped so that, before
 * it runs, the connection's principal is set from the request's client id. Nothing in src/
 * knows about this; it reaches the broker only through the handler map of its context.
 *
 * Convention: a client id `as:<name>/<anything>` makes the connection `User:<name>`; any
 * other client id leaves it `User:ANONYMOUS` (the principal of an unauthenticated PLAINTEXT
 * connection). Once SASL credentials exist on the broker, tests should authenticate for real.
 */
import type { AnyHandler } from '../../src/api/handler.js';
import type { Broker } from '../../src/broker.js';

const PREFIX = /^as:([^/]+)\//;

/** The client id that makes a test client `User:<name>`. */
export function clientIdFor(name: string, suffix = 'client'): string {
  return `as:${name}/${suffix}`;
}

export function principalForClientId(clientId: string | null): string {
  const m = clientId === null ? null : PREFIX.exec(clientId);
  return m ? `User:${m[1]}` : 'User:ANONYMOUS';
}

export function assignPrincipalsByClientId(broker: Broker): void {
  const handlers = broker.context.handlers as Map<number, AnyHandler>;
  for (const [key, h] of handlers) {
    handlers.set(key, {
      ...h,
      handle(req, ctx) {
        ctx.connection.principal = principalForClientId(ctx.clientId);
        return h.handle(req, ctx);
      },
    });
  }
}
