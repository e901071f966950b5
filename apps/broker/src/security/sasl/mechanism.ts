/**
 * The server side of one SASL mechanism exchange. A connection creates one per
 * SaslHandshake and feeds it the client's tokens in order until it succeeds or fails.
 */
import type { ScramMechanism } from '@tributary/credentials';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export function isSaslMechanism(name: string): name is SaslMechanism {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

export function isScram(name: SaslMechanism): name is ScramMechanism {
  return name !== 'PLAIN';
}

/** The API key a connection authenticated with, as the credential store knows it. */
export interface AuthenticatedKey {
  keyId: string;
  /** Kafka principal, `User:<id>` unless the key overrides it. */
  principal: string;
  /** When the credential stops being valid (epoch ms), or null. */
  expiresAtMs: number | null;
  /** Changes whenever the key's secret or principal changes. */
  revision: number;
}

export type SaslStep =
  | { type: 'challenge'; token: Buffer }
  | { type: 'success'; token: Buffer; key: AuthenticatedKey }
  /**
   * `reason` and `keyId` are for the broker's log only; clients always get the same generic
   * message. `keyId` is what the client claimed (it may not exist).
   */
  | { type: 'failure'; reason: string; keyId: string | null };

export interface MechanismServer {
  readonly mechanism: SaslMechanism;
  evaluate(token: Buffer): Promise<SaslStep>;
}
