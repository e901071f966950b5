/**
 * SCRAM key derivation and proof checks (RFC 5802 §3, RFC 7677 for SHA-256, Kafka's
 * SCRAM-SHA-512). The broker stores only StoredKey and ServerKey; the salted password is
 * derived once, when a credential is created, and then forgotten.
 *
 *   SaltedPassword  := Hi(password, salt, i)         (PBKDF2 with HMAC-H)
 *   ClientKey       := HMAC(SaltedPassword, "Client Key")
 *   StoredKey       := H(ClientKey)
 *   ServerKey       := HMAC(SaltedPassword, "Server Key")
 *   ClientSignature := HMAC(StoredKey, AuthMessage);  ClientProof := ClientKey XOR ClientSignature
 *   ServerSignature := HMAC(ServerKey, AuthMessage)
 *
 * Passwords are taken as their UTF-8 bytes without SASLprep, as Kafka does.
 */
import { createHash, createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** Kafka's bounds for SCRAM iteration counts (ScramMechanism.minIterations/maxIterations). */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

const pbkdf2Async = promisify(pbkdf2);

export function scramDigest(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

export function scramKeyLength(mechanism: ScramMechanism): number {
  return mechanism === 'SCRAM-SHA-256' ? 32 : 64;
}

/** What the server keeps per mechanism; never enough to log in as the user. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(scramDigest(mechanism), key).update(data).digest();
}

export function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(scramDigest(mechanism)).update(data).digest();
}

export function saltedPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  return pbkdf2Async(
    Buffer.from(password, 'utf8'),
    salt,
    iterations,
    scramKeyLength(mechanism),
    scramDigest(mechanism),
  );
}

export function clientKey(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mechanism, salted, 'Client Key');
}

export async function deriveScramCredential(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<ScramCredential> {
  const salted = await saltedPassword(mechanism, password, salt, iterations);
  return {
    salt,
    iterations,
    storedKey: hash(mechanism, clientKey(mechanism, salted)),
    serverKey: hmac(mechanism, salted, 'Server Key'),
  };
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Client side: the proof for an AuthMessage (tests and the fuzzer's seeds use it). */
export function clientProof(
  mechanism: ScramMechanism,
  salted: Buffer,
  authMessage: string,
): Buffer {
  const key = clientKey(mechanism, salted);
  return xor(key, hmac(mechanism, hash(mechanism, key), authMessage));
}

/** Whether `proof` shows knowledge of the password behind `credential`; constant time. */
export function verifyClientProof(
  mechanism: ScramMechanism,
  credential: ScramCredential,
  authMessage: string,
  proof: Buffer,
): boolean {
  if (proof.length !== scramKeyLength(mechanism)) return false;
  const signature = hmac(mechanism, credential.storedKey, authMessage);
  const candidate = hash(mechanism, xor(proof, signature));
  return (
    candidate.length === credential.storedKey.length &&
    timingSafeEqual(candidate, credential.storedKey)
  );
}

export function serverSignature(
  mechanism: ScramMechanism,
  credential: ScramCredential,
  authMessage: string,
): Buffer {
  return hmac(mechanism, credential.serverKey, authMessage);
}
