/**
 * Pushes one pool spec to one broker's admin endpoint: credentials (PUT the derived material
 * of every key of the spec, DELETE every other key), ACLs (exact diff), limits (PUT when they
 * differ) and the topics the spec names (topic-plan.ts). Every step is idempotent, so a pass
 * that fails half-way is simply run again.
 *
 * `SyncMemory` remembers, per broker, what was pushed successfully (a fingerprint per key,
 * the broker's answer to the last limits), so a steady-state pass only reads.
 */
import { createHash } from 'node:crypto';
import type { PoolSpec } from '@tributary/contracts';
import { derivedCredentialToJson } from '@tributary/credentials';
import {
  BrokerAdminError,
  type BrokerAdminClient,
  type BrokerTopic,
} from '../broker-admin/broker-admin-client.js';
import { diffAcls } from './acl-diff.js';
import type { ManagedKeys } from './managed-keys.js';
import { planTopics } from './topic-plan.js';

export interface SyncMemory {
  /** credential id -> fingerprint of the material/principal/expiry last pushed. */
  credentials: Map<string, string>;
  /** canonical desired limits -> canonical broker answer, after a successful PUT. */
  limits: { desired: string; answer: string } | null;
}

export function newSyncMemory(): SyncMemory {
  return { credentials: new Map(), limits: null };
}

export interface BrokerSyncResult {
  /** Credential ids in force on this broker after the pass. */
  credentials: string[];
  topics: BrokerTopic[];
  /** Per desired topic: why it could not be applied (a refusal of the broker). */
  topicErrors: Map<string, string>;
  /** Failures other than topic refusals (the pass is not complete). */
  errors: string[];
}

/** JSON with sorted object keys, for comparisons. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function fingerprint(c: PoolSpec['credentials'][number]): string {
  return createHash('sha256')
    .update(canonical([c.principal, c.expiresAt, derivedCredentialToJson(c.derived)]))
    .digest('hex');
}

export async function syncBroker(
  admin: BrokerAdminClient,
  spec: PoolSpec,
  memory: SyncMemory,
  managed: ManagedKeys,
): Promise<BrokerSyncResult> {
  const errors: string[] = [];
  const step = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
    }
  };
  let inForce = new Set<string>();

  await step('credentials', async () => {
    const current = new Map((await admin.credentials()).map((c) => [c.id, c]));
    inForce = new Set(current.keys());
    const wanted = new Set(spec.credentials.map((c) => c.id));
    // Keys are pushed concurrently: a new key must be usable within about a second.
    const puts = spec.credentials.map(async (c) => {
      const fp = fingerprint(c);
      if (current.has(c.id) && memory.credentials.get(c.id) === fp) return;
      inForce.delete(c.id);
      await admin.putCredential(c.id, {
        derived: derivedCredentialToJson(c.derived),
        principal: c.principal,
        expiresAt: c.expiresAt,
      });
      memory.credentials.set(c.id, fp);
      inForce.add(c.id);
    });
    const deletes = [...current.keys()]
      .filter((id) => !wanted.has(id))
      .map(async (id) => {
        await admin.deleteCredential(id);
        memory.credentials.delete(id);
        inForce.delete(id);
      });
    const failed = (await Promise.allSettled([...puts, ...deletes])).filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failed.length > 0) throw failed[0].reason;
  });

  await step('acls', async () => {
    const { create, remove } = diffAcls(spec.acls, await admin.acls());
    await admin.createAcls(create);
    for (const b of remove) await admin.deleteAcl(b);
  });

  await step('limits', async () => {
    const desired = canonical(spec.limits);
    const current = canonical(await admin.limits());
    if (current === desired) return;
    if (memory.limits?.desired === desired && memory.limits.answer === current) return;
    memory.limits = { desired, answer: canonical(await admin.putLimits(spec.limits)) };
  });

  const topicErrors = new Map<string, string>();
  let topics: BrokerTopic[] = [];
  await step('topics', async () => {
    topics = await admin.topics();
    const actions = planTopics(spec.topics, topics, managed);
    if (actions.length === 0) return;
    for (const a of actions) {
      const name = a.kind === 'create' ? a.topic.name : a.name;
      try {
        if (a.kind === 'refuse') throw new BrokerAdminError(400, null, a.error);
        if (a.kind === 'create') await admin.createTopic(a.topic);
        if (a.kind === 'partitions') await admin.addPartitions(a.name, a.count);
        if (a.kind === 'configs') await admin.alterTopicConfigs(a.name, a.set, a.remove);
        if (a.kind === 'delete') await admin.deleteTopic(a.name);
      } catch (err) {
        if (!(err instanceof BrokerAdminError) || !err.permanent) throw err;
        topicErrors.set(name, err.message);
      }
    }
    topics = await admin.topics();
  });

  return { credentials: [...inForce].sort(), topics, topicErrors, errors };
}
