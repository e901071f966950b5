/**
 * On-disk form of the credential store, `meta/credentials.json`. Only derived material is
 * kept: the scrypt hash of each secret (PLAIN) and the SCRAM salt, iteration count,
 * StoredKey and ServerKey per mechanism. Binary values are base64.
 *
 *   { "version": 1, "fakeSaltSeed": "...", "credentials": [ { "id", "principal", "createdAt",
 *     "updatedAt", "expiresAt", "plain": {...}, "scram": { "SCRAM-SHA-256": {...}, ... } } ] }
 */
import { z } from 'zod';
import type { ScramCredential, ScramMechanism } from '@tributary/credentials';
import type { SecretHash } from '@tributary/credentials';

export interface StoredCredential {
  id: string;
  /** The key's principal override, or null for `User:<id>`. */
  principal: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  plain: SecretHash;
  scram: Record<ScramMechanism, ScramCredential>;
}

export interface CredentialFile {
  /** Seeds the fake SCRAM salts of unknown keys, so they stay stable across restarts. */
  fakeSaltSeed: Buffer;
  credentials: StoredCredential[];
}

const b64 = z.base64().transform((s) => Buffer.from(s, 'base64'));
const scramSchema = z.object({
  salt: b64,
  iterations: z.number().int().positive(),
  storedKey: b64,
  serverKey: b64,
});
const fileSchema = z.object({
  version: z.literal(1),
  fakeSaltSeed: b64,
  credentials: z.array(
    z.object({
      id: z.string(),
      principal: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
      expiresAt: z.string().nullable(),
      plain: z.object({
        algorithm: z.literal('scrypt'),
        N: z.number().int().positive(),
        r: z.number().int().positive(),
        p: z.number().int().positive(),
        salt: b64,
        hash: b64,
      }),
      scram: z.object({ 'SCRAM-SHA-256': scramSchema, 'SCRAM-SHA-512': scramSchema }),
    }),
  ),
});

export function parseCredentialFile(json: unknown, path: string): CredentialFile {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${path} is not a valid credential file: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function serializeCredentialFile(file: CredentialFile): string {
  const scram = (c: ScramCredential) => ({
    salt: c.salt.toString('base64'),
    iterations: c.iterations,
    storedKey: c.storedKey.toString('base64'),
    serverKey: c.serverKey.toString('base64'),
  });
  return `${JSON.stringify(
    {
      version: 1,
      fakeSaltSeed: file.fakeSaltSeed.toString('base64'),
      credentials: file.credentials.map((c) => ({
        id: c.id,
        principal: c.principal,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        expiresAt: c.expiresAt,
        plain: {
          ...c.plain,
          salt: c.plain.salt.toString('base64'),
          hash: c.plain.hash.toString('base64'),
        },
        scram: {
          'SCRAM-SHA-256': scram(c.scram['SCRAM-SHA-256']),
          'SCRAM-SHA-512': scram(c.scram['SCRAM-SHA-512']),
        },
      })),
    },
    null,
    2,
  )}\n`;
}
