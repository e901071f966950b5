import { describe, expect, it } from 'vitest';
import {
  deriveApiKeyCredential,
  derivedCredentialToJson,
  parseDerivedCredential,
} from './derived-credential.js';
import { clientKey, hash, saltedPassword } from './scram-crypto.js';
import { verifySecret } from './secret-hash.js';

describe('derived API key credentials', () => {
  it('round-trips through JSON and still verifies the secret, and only it', async () => {
    const derived = await deriveApiKeyCredential('the-secret-0123456789');
    const back = parseDerivedCredential(
      JSON.parse(JSON.stringify(derivedCredentialToJson(derived))),
    );
    expect(await verifySecret(back.plain, 'the-secret-0123456789')).toBe(true);
    expect(await verifySecret(back.plain, 'the-secret-012345678')).toBe(false);
    for (const m of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      const s = back.scram[m];
      const salted = await saltedPassword(m, 'the-secret-0123456789', s.salt, s.iterations);
      expect(hash(m, clientKey(m, salted))).toEqual(s.storedKey);
    }
    expect(JSON.stringify(derivedCredentialToJson(derived))).not.toContain('the-secret');
  });

  it('refuses malformed material', () => {
    expect(() => parseDerivedCredential({})).toThrow();
    expect(() => parseDerivedCredential({ plain: { algorithm: 'md5' }, scram: {} })).toThrow();
  });
});
