/**
 * Which quota applies to a request, in Kafka's order of precedence (ClientQuotaManager):
 *   user+client-id, user+<default> client, user, <default> user+client-id,
 *   <default> user+<default> client, <default> user, client-id, <default> client-id.
 * Each quota type is resolved on its own: an entry without a producer rate does not hide a
 * less specific one that has it.
 *
 * The sensor (the measured rate) belongs to the matched entity with the request's actual
 * names filled in, as Kafka's metric tags: a `<default>` user quota gives every user a quota
 * of their own, a user quota is shared by all of that user's client ids.
 */
import { DEFAULT_ENTITY, type Limits, type QuotaEntry, entityKey } from './limits.js';

export type QuotaType = 'produce' | 'fetch' | 'request';

export interface ResolvedQuota {
  /** Units per second: bytes, or requests. */
  limit: number;
  /** Identifies the sensor: quota type, and the user / client id it is measured for. */
  sensorKey: string;
}

const ORDER: ReadonlyArray<readonly ['user' | 'default' | null, 'client' | 'default' | null]> = [
  ['user', 'client'],
  ['user', 'default'],
  ['user', null],
  ['default', 'client'],
  ['default', 'default'],
  ['default', null],
  [null, 'client'],
  [null, 'default'],
];

const FIELD: Readonly<
  Record<QuotaType, 'produceBytesPerSecond' | 'fetchBytesPerSecond' | 'requestsPerSecond'>
> = {
  produce: 'produceBytesPerSecond',
  fetch: 'fetchBytesPerSecond',
  request: 'requestsPerSecond',
};

/** The user part of a Kafka principal (`User:key-1` → `key-1`). */
export function userName(principal: string): string {
  return principal.startsWith('User:') ? principal.slice(5) : principal;
}

/** Resolutions remembered per (user, client id); cleared when it grows past this. */
const CACHE_LIMIT = 10_000;

export class QuotaIndex {
  private readonly byEntity = new Map<string, QuotaEntry>();
  /** The hot path resolves the same few (type, user, client id) over and over. */
  private readonly cache = new Map<string, ResolvedQuota | null>();

  constructor(limits: Limits) {
    for (const q of limits.quotas) this.byEntity.set(entityKey(q.entity), q);
  }

  get empty(): boolean {
    return this.byEntity.size === 0;
  }

  resolve(type: QuotaType, user: string, clientId: string): ResolvedQuota | null {
    if (this.byEntity.size === 0) return null;
    const key = `${type}\u0000${user}\u0000${clientId}`;
    let resolved = this.cache.get(key);
    if (resolved === undefined) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      resolved = this.lookup(type, user, clientId);
      this.cache.set(key, resolved);
    }
    return resolved;
  }

  private lookup(type: QuotaType, user: string, clientId: string): ResolvedQuota | null {
    const field = FIELD[type];
    for (const [u, c] of ORDER) {
      const entry = this.byEntity.get(
        entityKey({
          user: u === null ? undefined : u === 'user' ? user : DEFAULT_ENTITY,
          clientId: c === null ? undefined : c === 'client' ? clientId : DEFAULT_ENTITY,
        }),
      );
      const limit = entry?.[field];
      if (limit !== undefined) {
        const tags = [u === null ? '' : user, c === null ? '' : clientId];
        return { limit, sensorKey: JSON.stringify([type, ...tags]) };
      }
    }
    return null;
  }

  /** Max connections of one principal: its own user entry, else the `<default>` user entry. */
  maxConnections(user: string): number | undefined {
    return (
      this.byEntity.get(entityKey({ user }))?.maxConnections ??
      this.byEntity.get(entityKey({ user: DEFAULT_ENTITY }))?.maxConnections
    );
  }
}
