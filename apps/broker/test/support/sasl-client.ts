/**
 * The client side of SASL for wire-level tests and the fuzzer: PLAIN tokens, a SCRAM client
 * (RFC 5802) and a helper that authenticates a RawClient through SaslHandshake v1 +
 * SaslAuthenticate.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ApiKey,
  ErrorCode,
  makeSaslAuthenticateRequest,
  makeSaslHandshakeRequest,
  type SaslAuthenticateResponse,
  type SaslHandshakeResponse,
} from '@tributary/kafka-protocol';
import { type ScramMechanism, clientProof, hmac, saltedPassword } from '@tributary/credentials';
import { encodeSaslName } from '../../src/security/sasl/scram-messages.js';
import type { RawClient } from './raw-client.js';

export function plainToken(username: string, password: string, authzid = ''): Buffer {
  return Buffer.from(`${authzid}\0${username}\0${password}`, 'utf8');
}

export class ScramClient {
  readonly clientFirstBare: string;
  private authMessage = '';
  private salted: Buffer | null = null;

  constructor(
    readonly mechanism: ScramMechanism,
    readonly username: string,
    private readonly password: string,
    readonly nonce = randomBytes(18).toString('base64'),
  ) {
    this.clientFirstBare = `n=${encodeSaslName(username)},r=${nonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  async final(serverFirst: Buffer): Promise<Buffer> {
    const text = serverFirst.toString('utf8');
    const attrs = new Map(text.split(',').map((p) => [p[0], p.slice(2)] as [string, string]));
    const nonce = attrs.get('r')!;
    if (!nonce.startsWith(this.nonce)) throw new Error('server nonce does not extend ours');
    const salt = Buffer.from(attrs.get('s')!, 'base64');
    const iterations = Number(attrs.get('i'));
    this.salted = await saltedPassword(this.mechanism, this.password, salt, iterations);
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    this.authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const proof = clientProof(this.mechanism, this.salted, this.authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Whether the server-final message proves the server knows our credential. */
  verifyServerFinal(serverFinal: Buffer): boolean {
    const text = serverFinal.toString('utf8');
    if (!text.startsWith('v=') || !this.salted) return false;
    const serverKey = hmac(this.mechanism, this.salted, 'Server Key');
    const expected = hmac(this.mechanism, serverKey, this.authMessage);
    const got = Buffer.from(text.slice(2), 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  }
}

export interface SaslResult {
  handshake: SaslHandshakeResponse;
  /** The last SaslAuthenticate response (null when the handshake already failed). */
  response: SaslAuthenticateResponse | null;
  /** SCRAM: the server proved it holds the credential. */
  serverVerified?: boolean;
}

/** SaslHandshake v1 then SaslAuthenticate (PLAIN: one round, SCRAM: two). */
export async function saslAuthenticate(
  c: RawClient,
  mechanism: 'PLAIN' | ScramMechanism,
  username: string,
  password: string,
  version = 2,
): Promise<SaslResult> {
  const handshake = await c.call<SaslHandshakeResponse>(
    ApiKey.SaslHandshake,
    1,
    makeSaslHandshakeRequest({ mechanism }),
  );
  if (handshake.errorCode !== ErrorCode.NONE) return { handshake, response: null };
  const send = (authBytes: Buffer): Promise<SaslAuthenticateResponse> =>
    c.call<SaslAuthenticateResponse>(
      ApiKey.SaslAuthenticate,
      version,
      makeSaslAuthenticateRequest({ authBytes }),
    );
  if (mechanism === 'PLAIN') {
    return { handshake, response: await send(plainToken(username, password)) };
  }
  const scram = new ScramClient(mechanism, username, password);
  const first = await send(scram.first());
  if (first.errorCode !== ErrorCode.NONE) return { handshake, response: first };
  const final = await send(await scram.final(first.authBytes));
  return {
    handshake,
    response: final,
    serverVerified: final.errorCode === ErrorCode.NONE && scram.verifyServerFinal(final.authBytes),
  };
}
