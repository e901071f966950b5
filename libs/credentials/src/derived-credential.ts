/**
 * An API key's derived material as JSON: what the control plane stores and the agent pushes
 * to a pool's brokers (`PUT /v1/credentials/:id` with `{ "derived": ... }`), so no component
 * but the key's owner ever holds the secret after creation. Binary values are base64.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  SCRAM_MAX_ITERATIONS,
  SCRAM_MECHANISMS,
  SCRAM_MIN_ITERATIONS,
  deriveScramCredential,
  type ScramCredential,
  type ScramMechanism,
} from './scram-crypto.js';
import { hashSecret, type SecretHash } from './secret-hash.js';

const b64 = z.base64().transform((s) => Buffer.from(s, 'base64'));

export const scramCredentialSchema = z.strictObject({
  salt: b64,
  iterations: z.number().int().min(SCRAM_MIN_ITERATIONS).max(SCRAM_MAX_ITERATIONS),
  storedKey: b64,
  serverKey: b64,
});

export const secretHashSchema = z.strictObject({
  algorithm: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(1024)
    .max(1 << 20)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: b64,
  hash: b64,
});

/** Parses the JSON form; binaries come back as Buffers. */
export const derivedCredentialSchema = z.strictObject({
  plain: secretHashSchema,
  scram: z.strictObject({
    'SCRAM-SHA-256': scramCredentialSchema,
    'SCRAM-SHA-512': scramCredentialSchema,
  }),
});

export interface DerivedCredential {
  plain: SecretHash;
  scram: Record<ScramMechanism, ScramCredential>;
}

/** The JSON form of a derived credential (base64 strings). */
export type DerivedCredentialJson = z.input<typeof derivedCredentialSchema>;

export async function deriveApiKeyCredential(
  secret: string,
  scramIterations = 4096,
): Promise<DerivedCredential> {
  const plain = await hashSecret(secret);
  const entries = await Promise.all(
    SCRAM_MECHANISMS.map(
      async (m) =>
        [m, await deriveScramCredential(m, secret, randomBytes(32), scramIterations)] as const,
    ),
  );
  return { plain, scram: Object.fromEntries(entries) as Record<ScramMechanism, ScramCredential> };
}

export function derivedCredentialToJson(c: DerivedCredential): DerivedCredentialJson {
  const scram = (s: ScramCredential) => ({
    salt: s.salt.toString('base64'),
    iterations: s.iterations,
    storedKey: s.storedKey.toString('base64'),
    serverKey: s.serverKey.toString('base64'),
  });
  return {
    plain: {
      algorithm: 'scrypt',
      N: c.plain.N,
      r: c.plain.r,
      p: c.plain.p,
      salt: c.plain.salt.toString('base64'),
      hash: c.plain.hash.toString('base64'),
    },
    scram: {
      'SCRAM-SHA-256': scram(c.scram['SCRAM-SHA-256']),
      'SCRAM-SHA-512': scram(c.scram['SCRAM-SHA-512']),
    },
  };
}

export function parseDerivedCredential(json: unknown): DerivedCredential {
  return derivedCredentialSchema.parse(json);
}
