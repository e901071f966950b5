/**
 * SASL/PLAIN (RFC 4616) with the managed-service convention: the username is the API key
 * id and the password its secret. The authorization id must be empty or equal the
 * username (Kafka's PlainSaslServer rule). One token, one answer (empty on success).
 */
import type { CredentialStore } from '../credentials/credential-store.js';
import type { MechanismServer, SaslStep } from './mechanism.js';

export interface PlainMessage {
  authzid: string;
  username: string;
  password: string;
}

/** Longest token accepted: 64-byte id twice plus a 256-byte secret, with room to spare. */
const MAX_PLAIN_BYTES = 1024;

/** `[authzid] NUL authcid NUL passwd` in UTF-8; null when malformed. */
export function parsePlain(token: Buffer): PlainMessage | null {
  if (token.length > MAX_PLAIN_BYTES) return null;
  const s = token.toString('utf8');
  if (!Buffer.from(s, 'utf8').equals(token)) return null;
  const parts = s.split('\0');
  if (parts.length !== 3) return null;
  const [authzid, username, password] = parts;
  if (username === '' || password === '') return null;
  return { authzid, username, password };
}

export class PlainServer implements MechanismServer {
  readonly mechanism = 'PLAIN';
  private used = false;

  constructor(private readonly credentials: Pick<CredentialStore, 'verifyPlain'>) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    if (this.used) return { type: 'failure', reason: 'PLAIN takes one token', keyId: null };
    this.used = true;
    const message = parsePlain(token);
    if (!message) return { type: 'failure', reason: 'malformed PLAIN message', keyId: null };
    const keyId = message.username;
    if (message.authzid !== '' && message.authzid !== keyId) {
      return { type: 'failure', reason: 'authorization id differs from the username', keyId };
    }
    const result = await this.credentials.verifyPlain(keyId, message.password);
    if (!result.ok) return { type: 'failure', reason: result.reason, keyId };
    return { type: 'success', token: Buffer.alloc(0), key: result.key };
  }
}
