/**
 * SCRAM-SHA-256 / SCRAM-SHA-512 server (RFC 5802, RFC 7677), two round trips:
 *   client-first  -> server-first  (combined nonce, the credential's salt and iterations)
 *   client-final  -> server-final  (v=ServerSignature) once the proof checks out
 * The username is the API key id. An unknown key gets a stable fake salt and the default
 * iteration count, so the exchange looks the same as for a wrong secret until the proof
 * fails. Delegation-token logins (`tokenauth=true`) are not supported and fail.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { AuthenticatedKey, MechanismServer, SaslStep } from './mechanism.js';
import {
  type ScramCredential,
  type ScramMechanism,
  serverSignature,
  verifyClientProof,
} from '@tributary/credentials';
import {
  type ClientFirstMessage,
  ScramSyntaxError,
  formatServerFinal,
  formatServerFirst,
  parseClientFinal,
  parseClientFirst,
} from './scram-messages.js';

interface AfterFirst {
  first: ClientFirstMessage;
  serverFirst: string;
  nonce: string;
  credential: ScramCredential;
  /** null for an unknown key (the exchange runs on a fake credential and then fails). */
  key: AuthenticatedKey | null;
}

/** What the SCRAM server needs from the credential store. */
export type ScramCredentialSource = Pick<CredentialStore, 'scram' | 'fakeScram' | 'currentProblem'>;

export class ScramServer implements MechanismServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private exchange: AfterFirst | null = null;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly credentials: ScramCredentialSource,
    /** The server's part of the nonce (fixed only in tests against published vectors). */
    private readonly serverNonce: () => string = () => randomBytes(24).toString('base64'),
  ) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    try {
      if (this.state === 'first') return this.first(token);
      if (this.state === 'final') return this.final(token);
      return { type: 'failure', reason: 'SCRAM exchange already finished', keyId: null };
    } catch (err) {
      this.state = 'done';
      if (err instanceof ScramSyntaxError) {
        return {
          type: 'failure',
          reason: `malformed SCRAM message: ${err.message}`,
          keyId: this.exchange?.first.username ?? null,
        };
      }
      throw err;
    }
  }

  private first(token: Buffer): SaslStep {
    this.state = 'done';
    const first = parseClientFirst(token);
    const keyId = first.username;
    if (first.authzid !== null && first.authzid !== keyId) {
      return { type: 'failure', reason: 'authorization id differs from the username', keyId };
    }
    if ([...first.extensions.keys()].some((k) => k.toLowerCase() === 'tokenauth')) {
      return { type: 'failure', reason: 'delegation tokens are not supported', keyId };
    }
    const found = this.credentials.scram(keyId, this.mechanism);
    const credential = found?.credential ?? this.credentials.fakeScram(keyId, this.mechanism);
    const nonce = first.nonce + this.serverNonce();
    const serverFirst = formatServerFirst(nonce, credential.salt, credential.iterations);
    this.exchange = { first, serverFirst, nonce, credential, key: found?.key ?? null };
    this.state = 'final';
    return { type: 'challenge', token: Buffer.from(serverFirst, 'utf8') };
  }

  private final(token: Buffer): SaslStep {
    this.state = 'done';
    const ex = this.exchange!;
    const keyId = ex.first.username;
    const final = parseClientFinal(token);
    if (!final.channelBinding.equals(Buffer.from(ex.first.gs2Header, 'utf8'))) {
      return { type: 'failure', reason: 'channel binding does not match the GS2 header', keyId };
    }
    // Kafka's check (ScramSaslServer): the nonce must end with the combined nonce we sent.
    // librdkafka 2.0 sends its client nonce again in front of it; the proof still
    // covers exactly what the client sent, and the server's random part must be there.
    if (!final.nonce.endsWith(ex.nonce)) {
      return { type: 'failure', reason: 'nonce mismatch', keyId };
    }
    const authMessage = `${ex.first.bare},${ex.serverFirst},${final.withoutProof}`;
    const valid = verifyClientProof(this.mechanism, ex.credential, authMessage, final.proof);
    if (ex.key === null) return { type: 'failure', reason: 'unknown key', keyId };
    if (!valid) return { type: 'failure', reason: 'wrong secret', keyId };
    const problem = this.credentials.currentProblem(ex.key);
    if (problem) return { type: 'failure', reason: problem, keyId };
    const signature = serverSignature(this.mechanism, ex.credential, authMessage);
    return { type: 'success', token: Buffer.from(formatServerFinal(signature)), key: ex.key };
  }
}
