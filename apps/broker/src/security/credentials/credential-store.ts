/**
 * The pool's API keys: id, optional principal override, optional expiry, and only derived
 * secret material (see credential-file.ts). Lives in memory, persisted durably to
 * `meta/credentials.json` before a change takes effect, so a created key works and a deleted
 * one stops working as soon as the admin call returns.
 *
 * Concurrency: mutations run one at a time (`exclusive`); each builds the next map, writes
 * it, then swaps it in. Verifications read whatever map is current and re-check it after
 * their own awaits, so a key changed or deleted mid-verification fails.
 *
 * PLAIN verification is a slow scrypt; successful ones are remembered as an HMAC (under a
 * per-process random key) of the secret, so reconnect storms of valid clients stay cheap
 * while a wrong secret still costs a full scrypt.
 */
import { chmod } from 'node:fs/promises';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readJsonIfExists, writeFileDurably } from '../../storage/durable-file.js';
import { SASL_MECHANISMS, type AuthenticatedKey, type SaslMechanism } from '../sasl/mechanism.js';
import {
  SCRAM_MECHANISMS,
  deriveScramCredential,
  type ScramCredential,
  type ScramMechanism,
} from '@tributary/credentials';
import {
  parseCredentialFile,
  serializeCredentialFile,
  type StoredCredential,
} from './credential-file.js';
import { hashSecret, verifySecret, type DerivedCredential } from '@tributary/credentials';

export interface CredentialMetadata {
  id: string;
  principal: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  mechanisms: SaslMechanism[];
}

/**
 * A key's secret (the broker derives the stored material) or material already derived from
 * it elsewhere (the control plane, through @tributary/credentials), so the broker never sees
 * the secret.
 */
export type CredentialMaterial = { secret: string } | { derived: DerivedCredential };

export type CredentialInput = CredentialMaterial & {
  /** ISO 8601 instant, or null for no expiry. */
  expiresAt: string | null;
  /** `User:...`, or null for the default `User:<id>`. */
  principal: string | null;
};

export interface UpsertResult {
  created: boolean;
  /** The secret or principal changed: sessions authenticated with the old one must end. */
  replaced: boolean;
  credential: CredentialMetadata;
}

export type VerifyResult = { ok: true; key: AuthenticatedKey } | { ok: false; reason: string };

export interface CredentialChange {
  id: string;
  kind: 'replaced' | 'deleted';
}

interface Live {
  stored: StoredCredential;
  revision: number;
  expiresAtMs: number | null;
}

const SALT_BYTES = 16;

export function defaultPrincipal(id: string): string {
  return `User:${id}`;
}

export class CredentialStore {
  private byId = new Map<string, Live>();
  private revisions = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, { revision: number; mac: Buffer }>();
  private readonly listeners = new Set<(change: CredentialChange) => void>();

  private constructor(
    private readonly file: string,
    private readonly fakeSaltSeed: Buffer,
    private readonly scramIterations: number,
  ) {}

  /** Loads the file (an absent file is an empty store); a corrupt file is an error. */
  static async open(file: string, scramIterations: number): Promise<CredentialStore> {
    const json = await readJsonIfExists<unknown>(file);
    const parsed = json === undefined ? null : parseCredentialFile(json, file);
    const store = new CredentialStore(
      file,
      parsed?.fakeSaltSeed ?? randomBytes(32),
      scramIterations,
    );
    for (const c of parsed?.credentials ?? [])
      store.byId.set(c.id, store.live(c, ++store.revisions));
    return store;
  }

  get size(): number {
    return this.byId.size;
  }

  list(): CredentialMetadata[] {
    return [...this.byId.values()]
      .map((l) => metadata(l.stored))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): CredentialMetadata | undefined {
    const l = this.byId.get(id);
    return l && metadata(l.stored);
  }

  /** Called after a key's secret/principal changed or the key was deleted. */
  onChange(listener: (change: CredentialChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates or replaces a key (PUT semantics: omitted fields take their defaults). */
  upsert(id: string, input: CredentialInput): Promise<UpsertResult> {
    return this.exclusive(async () => {
      const old = this.byId.get(id);
      const sameSecret = old ? await sameMaterial(old.stored, input) : false;
      const now = new Date().toISOString();
      const replaced = !!old && (!sameSecret || old.stored.principal !== input.principal);
      const unchanged = !!old && !replaced && old.stored.expiresAt === input.expiresAt;
      if (old && unchanged)
        return { created: false, replaced: false, credential: metadata(old.stored) };
      const stored: StoredCredential =
        old && sameSecret
          ? {
              ...old.stored,
              principal: input.principal,
              expiresAt: input.expiresAt,
              updatedAt: now,
            }
          : {
              id,
              principal: input.principal,
              createdAt: old?.stored.createdAt ?? now,
              updatedAt: now,
              expiresAt: input.expiresAt,
              ...('derived' in input
                ? { plain: input.derived.plain, scram: input.derived.scram }
                : {
                    plain: await hashSecret(input.secret),
                    scram: await this.deriveScram(input.secret),
                  }),
            };
      const next = new Map(this.byId);
      next.set(id, this.live(stored, old && !replaced ? old.revision : ++this.revisions));
      await this.persist(next);
      this.byId = next;
      if (replaced) {
        this.verified.delete(id);
        this.emit({ id, kind: 'replaced' });
      }
      return { created: !old, replaced, credential: metadata(stored) };
    });
  }

  /** Removes a key; false when there was none. */
  delete(id: string): Promise<boolean> {
    return this.exclusive(async () => {
      if (!this.byId.has(id)) return false;
      const next = new Map(this.byId);
      next.delete(id);
      await this.persist(next);
      this.byId = next;
      this.verified.delete(id);
      this.emit({ id, kind: 'deleted' });
      return true;
    });
  }

  /** SASL/PLAIN: checks a key id and secret. */
  async verifyPlain(id: string, secret: string): Promise<VerifyResult> {
    const live = this.byId.get(id);
    if (!live) return { ok: false, reason: 'unknown key' };
    const mac = createHmac('sha256', this.cacheKey).update(id).update('\0').update(secret).digest();
    const hit = this.verified.get(id);
    const cached = hit?.revision === live.revision && timingSafeEqual(hit.mac, mac);
    if (!cached && !(await verifySecret(live.stored.plain, secret))) {
      return { ok: false, reason: 'wrong secret' };
    }
    const key = keyOf(live);
    const problem = this.currentProblem(key);
    if (problem) return { ok: false, reason: problem };
    this.verified.set(id, { revision: live.revision, mac });
    return { ok: true, key };
  }

  /** The SCRAM credential of a key, when it exists (expiry is checked at the end). */
  scram(
    id: string,
    mechanism: ScramMechanism,
  ): { credential: ScramCredential; key: AuthenticatedKey } | undefined {
    const live = this.byId.get(id);
    return live && { credential: live.stored.scram[mechanism], key: keyOf(live) };
  }

  /** A stand-in SCRAM credential for an unknown key: stable salt, default iterations. */
  fakeScram(id: string, mechanism: ScramMechanism): ScramCredential {
    const salt = createHmac('sha256', this.fakeSaltSeed)
      .update(`${mechanism}\0${id}`)
      .digest()
      .subarray(0, SALT_BYTES);
    const empty = Buffer.alloc(mechanism === 'SCRAM-SHA-256' ? 32 : 64);
    return { salt, iterations: this.scramIterations, storedKey: empty, serverKey: empty };
  }

  /**
   * Why a session authenticated with `key` is no longer valid (deleted, replaced, expired),
   * or null while it is.
   */
  currentProblem(key: AuthenticatedKey, now = Date.now()): string | null {
    const live = this.byId.get(key.keyId);
    if (!live) return 'key deleted';
    if (live.revision !== key.revision) return 'key replaced';
    if (live.expiresAtMs !== null && live.expiresAtMs <= now) return 'key expired';
    return null;
  }

  /** The key's current expiry (it can change without a new secret). */
  expiresAtMs(key: AuthenticatedKey): number | null {
    return this.byId.get(key.keyId)?.expiresAtMs ?? null;
  }

  private async deriveScram(secret: string): Promise<Record<ScramMechanism, ScramCredential>> {
    const [sha256, sha512] = await Promise.all(
      SCRAM_MECHANISMS.map((m) =>
        deriveScramCredential(m, secret, randomBytes(SALT_BYTES), this.scramIterations),
      ),
    );
    return { 'SCRAM-SHA-256': sha256, 'SCRAM-SHA-512': sha512 };
  }

  private live(stored: StoredCredential, revision: number): Live {
    return {
      stored,
      revision,
      expiresAtMs: stored.expiresAt === null ? null : Date.parse(stored.expiresAt),
    };
  }

  private async persist(next: Map<string, Live>): Promise<void> {
    const text = serializeCredentialFile({
      fakeSaltSeed: this.fakeSaltSeed,
      credentials: [...next.values()].map((l) => l.stored),
    });
    await writeFileDurably(this.file, text);
    await chmod(this.file, 0o600);
  }

  private emit(change: CredentialChange): void {
    for (const l of this.listeners) l(change);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Whether `input` carries the same secret as `stored` (derived material: byte-identical). */
async function sameMaterial(stored: StoredCredential, input: CredentialMaterial): Promise<boolean> {
  if ('secret' in input) return verifySecret(stored.plain, input.secret);
  const a = stored;
  const b = input.derived;
  const scramSame = SCRAM_MECHANISMS.every((m) => {
    const x = a.scram[m];
    const y = b.scram[m];
    return (
      x.iterations === y.iterations &&
      x.salt.equals(y.salt) &&
      x.storedKey.equals(y.storedKey) &&
      x.serverKey.equals(y.serverKey)
    );
  });
  return (
    scramSame &&
    a.plain.N === b.plain.N &&
    a.plain.r === b.plain.r &&
    a.plain.p === b.plain.p &&
    a.plain.salt.equals(b.plain.salt) &&
    a.plain.hash.equals(b.plain.hash)
  );
}

function keyOf(live: Live): AuthenticatedKey {
  return {
    keyId: live.stored.id,
    principal: live.stored.principal ?? defaultPrincipal(live.stored.id),
    expiresAtMs: live.expiresAtMs,
    revision: live.revision,
  };
}

function metadata(c: StoredCredential): CredentialMetadata {
  return {
    id: c.id,
    principal: c.principal ?? defaultPrincipal(c.id),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    expiresAt: c.expiresAt,
    mechanisms: [...SASL_MECHANISMS],
  };
}
