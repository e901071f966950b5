/**
 * Passwords (argon2id via @node-rs/argon2), console session tokens and cloud API keys.
 * A cloud API key is `<key id>.<secret>`; only the secret's SHA-256 is stored (it is 256
 * random bits, so a slow hash adds nothing).
 */
import { hash, verify } from '@node-rs/argon2';
import { randomToken, sha256 } from '../../platform/crypto.js';

export const hashPassword = (password: string): Promise<string> => hash(password);
export const verifyPassword = (stored: string, password: string): Promise<boolean> =>
  verify(stored, password).catch(() => false);

export const SESSION_COOKIE = 'tributary_session';

export function newCloudApiKeySecret(): { secret: string; secretHash: string } {
  const secret = randomToken(32);
  return { secret, secretHash: sha256(secret) };
}

export function parseBearer(header: string | undefined): { keyId: string; secret: string } | null {
  const m = /^Bearer\s+(tk-[a-z0-9]+)\.([A-Za-z0-9_-]{20,})$/.exec(header ?? '');
  return m ? { keyId: m[1], secret: m[2] } : null;
}
