/**
 * The limits of a pool, from its plan: what the agent PUTs on /v1/limits and the broker keeps
 * in meta/limits.json. Every field is optional; an absent one means "no limit".
 *
 * Client quotas follow Kafka's entities (kafka-configs --entity-type users/clients): an entry
 * names a user (the principal's name, e.g. `key-123` for `User:key-123`), a client id, or
 * both; `<default>` stands for "any user" / "any client id" at that level. For each quota type
 * the most specific entry that sets it applies (quota-entities.ts has Kafka's order).
 */
import { z } from 'zod';

export const DEFAULT_ENTITY = '<default>';

const bytesPerSecond = z.number().positive().finite();
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const entityName = z.string().min(1).max(1024);

const quotaEntry = z
  .strictObject({
    entity: z
      .strictObject({ user: entityName.optional(), clientId: entityName.optional() })
      .refine((e) => e.user !== undefined || e.clientId !== undefined, {
        message: 'An entity names a user, a client id, or both',
      }),
    produceBytesPerSecond: bytesPerSecond.optional(),
    fetchBytesPerSecond: bytesPerSecond.optional(),
    requestsPerSecond: z.number().positive().finite().optional(),
    /** Connections are counted per principal: only on entries that name just a user. */
    maxConnections: count.optional(),
  })
  .refine((q) => q.maxConnections === undefined || q.entity.clientId === undefined, {
    message: 'maxConnections applies to a user entity without a client id',
    path: ['maxConnections'],
  });

export const limitsSchema = z
  .strictObject({
    cluster: z
      .strictObject({
        produceBytesPerSecond: bytesPerSecond.optional(),
        fetchBytesPerSecond: bytesPerSecond.optional(),
        maxConnections: count.optional(),
        maxPartitions: count.optional(),
        /** Largest record batch; caps topic max.message.bytes and broker message.max.bytes. */
        maxMessageBytes: z
          .number()
          .int()
          .positive()
          .max(2 ** 31 - 1)
          .optional(),
      })
      .default({}),
    quotas: z.array(quotaEntry).max(10_000).default([]),
  })
  .superRefine((limits, ctx) => {
    const seen = new Set<string>();
    limits.quotas.forEach((q, i) => {
      const key = entityKey(q.entity);
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['quotas', i, 'entity'],
          message: `Duplicate quota entity ${key}`,
        });
      seen.add(key);
    });
  });

export type Limits = z.output<typeof limitsSchema>;
export type QuotaEntry = Limits['quotas'][number];
export type QuotaEntity = QuotaEntry['entity'];

export const NO_LIMITS: Limits = { cluster: {}, quotas: [] };

export function entityKey(e: QuotaEntity): string {
  return JSON.stringify([e.user ?? null, e.clientId ?? null]);
}

export interface FieldError {
  field: string;
  message: string;
}

/** Parses a limits document; field errors name the JSON path (`quotas[2].entity`). */
export function parseLimits(
  input: unknown,
): { ok: true; limits: Limits } | { ok: false; errors: FieldError[] } {
  const parsed = limitsSchema.safeParse(input);
  if (parsed.success) return { ok: true, limits: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({
      field: fieldPath(issue.path) || '(body)',
      message:
        issue.code === 'unrecognized_keys'
          ? `Unknown field(s): ${issue.keys.join(', ')}`
          : issue.message,
    })),
  };
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
