/**
 * The principal of a client that authenticated with a certificate on an SSL listener, as
 * Kafka's default principal builder names it: `User:` and the subject's distinguished name in
 * RFC 2253 order (most specific first), e.g. `User:CN=client,OU=Eng,O=Acme\, Inc,C=US`.
 * ssl.principal.mapping.rules are not supported (see SKIPPED.md).
 */
import type { TLSSocket } from 'node:tls';

/** null when the client sent no certificate. */
export function certificatePrincipal(socket: TLSSocket): string | null {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return null;
  // Node lists RDNs one per line, least specific first, values already escaped.
  return `User:${cert.subject.split('\n').reverse().join(',')}`;
}
