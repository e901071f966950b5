/** The broker properties SASL reads, checked once at start-up. */
import { type BrokerConfig, configNumber, configString } from '../../config/broker-config.js';
import { isSasl } from '../../config/listeners.js';
import { SASL_MECHANISMS, isSaslMechanism, type SaslMechanism } from './mechanism.js';
import { SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS } from '@tributary/credentials';

export interface SaslSettings {
  /** sasl.enabled.mechanisms, in the order given. */
  mechanisms: SaslMechanism[];
  /** connections.max.reauth.ms: 0 disables re-authentication and session expiry. */
  maxReauthMs: number;
  /** connection.failed.authentication.delay.ms: base hold time of a failed answer. */
  failedAuthenticationDelayMs: number;
  /** sasl.server.max.receive.size: largest frame before authentication completes. */
  maxReceiveBytes: number;
  /** sasl.scram.iterations: SCRAM iteration count for new credentials. */
  scramIterations: number;
}

export function saslSettingsFrom(config: BrokerConfig): SaslSettings {
  const names = configString(config, 'sasl.enabled.mechanisms')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  for (const m of names) {
    if (!isSaslMechanism(m)) {
      throw new Error(
        `sasl.enabled.mechanisms: ${m} is not supported (supported: ${SASL_MECHANISMS.join(', ')})`,
      );
    }
  }
  if (names.length === 0 && config.listeners.some((l) => isSasl(l.protocol))) {
    throw new Error('SASL listeners need at least one mechanism in sasl.enabled.mechanisms');
  }
  const nonNegative = (key: string): number => {
    const v = configNumber(config, key);
    if (v < 0) throw new Error(`${key} must not be negative, got ${v}`);
    return v;
  };
  const scramIterations = configNumber(config, 'sasl.scram.iterations');
  if (scramIterations < SCRAM_MIN_ITERATIONS || scramIterations > SCRAM_MAX_ITERATIONS) {
    throw new Error(
      `sasl.scram.iterations must be between ${SCRAM_MIN_ITERATIONS} and ${SCRAM_MAX_ITERATIONS}, got ${scramIterations}`,
    );
  }
  const maxReceiveBytes = configNumber(config, 'sasl.server.max.receive.size');
  if (maxReceiveBytes < 1024) {
    throw new Error(`sasl.server.max.receive.size must be at least 1024, got ${maxReceiveBytes}`);
  }
  return {
    mechanisms: [...new Set(names)] as SaslMechanism[],
    maxReauthMs: nonNegative('connections.max.reauth.ms'),
    failedAuthenticationDelayMs: nonNegative('connection.failed.authentication.delay.ms'),
    maxReceiveBytes,
    scramIterations,
  };
}
