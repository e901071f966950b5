/**
 * Listeners: where the broker accepts Kafka clients and with which security protocol, as
 * Kafka's `listeners` / `advertised.listeners`: `--listen [PROTOCOL://]HOST:PORT` (repeatable,
 * PLAINTEXT when no protocol is given) and `--advertised HOST:PORT` per listener, in order.
 */
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface ListenerConfig {
  /** Listener name; the protocol name unless two listeners share a protocol. */
  name: string;
  protocol: SecurityProtocol;
  host: string;
  /** 0 picks a free port; the broker fills in the bound one. */
  port: number;
  advertisedHost: string;
  advertisedPort: number;
}

export interface Endpoint {
  protocol: SecurityProtocol;
  host: string;
  port: number;
}

/** Parses `[PROTOCOL://]HOST:PORT`; returns a description of the problem or the endpoint. */
export function parseEndpoint(value: string): Endpoint | string {
  let rest = value;
  let protocol: SecurityProtocol = 'PLAINTEXT';
  const sep = value.indexOf('://');
  if (sep >= 0) {
    const p = value.slice(0, sep).toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(p)) {
      return `unknown security protocol ${value.slice(0, sep)} (one of ${SECURITY_PROTOCOLS.join(', ')})`;
    }
    protocol = p as SecurityProtocol;
    rest = value.slice(sep + 3);
  }
  const i = rest.lastIndexOf(':');
  const port = Number(rest.slice(i + 1));
  if (i < 0 || rest.slice(i + 1) === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    return `expects [PROTOCOL://]HOST:PORT, got ${value}`;
  }
  const host = rest.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { protocol, host: host === '' ? '0.0.0.0' : host, port };
}

export function isSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

export function isTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}
