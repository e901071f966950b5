/** The credential store: hashing at rest, upsert/delete semantics, verification and its cache. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveScramCredential } from '@tributary/credentials';
import { CredentialStore, type CredentialChange } from './credential-store.js';

const SECRET = 'a-secret-of-24-characters';
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-credentials-'));
  file = join(dir, 'meta', 'credentials.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const input = (secret = SECRET, more: { expiresAt?: string; principal?: string } = {}) => ({
  secret,
  expiresAt: more.expiresAt ?? null,
  principal: more.principal ?? null,
});

describe('CredentialStore', () => {
  it('keeps only derived material on disk (mode 0600), and reloads it', async () => {
    const store = await CredentialStore.open(file, 4096);
    const r = await store.upsert('k1', input());
    expect(r).toMatchObject({ created: true, replaced: false });
    expect(r.credential).toMatchObject({ id: 'k1', principal: 'User:k1', expiresAt: null });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const json = JSON.parse(text) as {
      credentials: Array<{
        scram: Record<string, { salt: string; iterations: number; storedKey: string }>;
      }>;
    };
    // The SCRAM keys are RFC 5802's, derived from the secret and the stored salt.
    const sha512 = json.credentials[0].scram['SCRAM-SHA-512'];
    const derived = await deriveScramCredential(
      'SCRAM-SHA-512',
      SECRET,
      Buffer.from(sha512.salt, 'base64'),
      sha512.iterations,
    );
    expect(derived.storedKey.toString('base64')).toBe(sha512.storedKey);

    const reopened = await CredentialStore.open(file, 4096);
    expect(reopened.list()).toEqual(store.list());
    expect((await reopened.verifyPlain('k1', SECRET)).ok).toBe(true);
    expect(reopened.scram('k1', 'SCRAM-SHA-256')?.credential.iterations).toBe(4096);
  });

  it('upserts idempotently; a new secret or principal replaces the credential', async () => {
    const store = await CredentialStore.open(file, 4096);
    const changes: CredentialChange[] = [];
    store.onChange((c) => changes.push(c));
    await store.upsert('k1', input());
    const same = await store.upsert('k1', input());
    expect(same).toMatchObject({ created: false, replaced: false });
    expect(changes).toEqual([]);

    const before = (await store.verifyPlain('k1', SECRET)) as { ok: true; key: never };
    expect(before.ok).toBe(true);
    const rotated = await store.upsert('k1', input('another-secret-of-24-chars'));
    expect(rotated).toMatchObject({ created: false, replaced: true });
    expect(changes).toEqual([{ id: 'k1', kind: 'replaced' }]);
    expect(await store.verifyPlain('k1', SECRET)).toEqual({ ok: false, reason: 'wrong secret' });
    expect(store.currentProblem(before.key)).toBe('key replaced');

    await store.upsert('k1', input('another-secret-of-24-chars', { principal: 'User:sa-1' }));
    expect(changes.at(-1)).toEqual({ id: 'k1', kind: 'replaced' });
    expect(store.get('k1')?.principal).toBe('User:sa-1');
  });

  it('changes the expiry without replacing the secret', async () => {
    const store = await CredentialStore.open(file, 4096);
    const changes: CredentialChange[] = [];
    store.onChange((c) => changes.push(c));
    await store.upsert('k1', input());
    const ok = (await store.verifyPlain('k1', SECRET)) as { ok: true; key: never };
    const past = new Date(Date.now() - 1000).toISOString();
    const r = await store.upsert('k1', input(SECRET, { expiresAt: past }));
    expect(r).toMatchObject({ created: false, replaced: false });
    expect(changes).toEqual([]);
    expect(store.currentProblem(ok.key)).toBe('key expired');
    expect(await store.verifyPlain('k1', SECRET)).toEqual({ ok: false, reason: 'key expired' });
  });

  it('deletes: verification fails at once and listeners hear of it', async () => {
    const store = await CredentialStore.open(file, 4096);
    const changes: CredentialChange[] = [];
    store.onChange((c) => changes.push(c));
    await store.upsert('k1', input());
    expect(await store.delete('k1')).toBe(true);
    expect(await store.delete('k1')).toBe(false);
    expect(changes).toEqual([{ id: 'k1', kind: 'deleted' }]);
    expect(await store.verifyPlain('k1', SECRET)).toEqual({ ok: false, reason: 'unknown key' });
    expect((await CredentialStore.open(file, 4096)).size).toBe(0);
  });

  it('remembers a successful PLAIN verification (no second scrypt), never a failed one', async () => {
    const store = await CredentialStore.open(file, 4096);
    await store.upsert('k1', input());
    const time = async (secret: string): Promise<number> => {
      const t = process.hrtime.bigint();
      await store.verifyPlain('k1', secret);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const first = await time(SECRET);
    const cached = await time(SECRET);
    const wrong = await time('wrong-secret-wrong-secret');
    expect(cached).toBeLessThan(first / 4);
    expect(wrong).toBeGreaterThan(cached * 4);
  });

  it('serializes concurrent changes; the file holds the last state', async () => {
    const store = await CredentialStore.open(file, 4096);
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.upsert(`k${i}`, input(`${SECRET}-${i}`))),
    );
    await Promise.all([store.delete('k0'), store.delete('k3')]);
    const reopened = await CredentialStore.open(file, 4096);
    expect(reopened.list().map((c) => c.id)).toEqual(['k1', 'k2', 'k4']);
  });

  it('gives unknown keys a stable fake SCRAM salt, across restarts too', async () => {
    const store = await CredentialStore.open(file, 8192);
    await store.upsert('k1', input());
    const fake = store.fakeScram('ghost', 'SCRAM-SHA-256');
    expect(fake.iterations).toBe(8192);
    expect(store.fakeScram('ghost', 'SCRAM-SHA-256').salt).toEqual(fake.salt);
    expect(store.fakeScram('ghost2', 'SCRAM-SHA-256').salt).not.toEqual(fake.salt);
    const reopened = await CredentialStore.open(file, 8192);
    expect(reopened.fakeScram('ghost', 'SCRAM-SHA-256').salt).toEqual(fake.salt);
  });

  it('refuses to start on a corrupt file', async () => {
    await CredentialStore.open(file, 4096).then((s) => s.upsert('k1', input()));
    await writeFile(file, '{"version":1,"credentials":[{"id":"k1"}]}');
    await expect(CredentialStore.open(file, 4096)).rejects.toThrow(/not a valid credential file/);
  });
});
