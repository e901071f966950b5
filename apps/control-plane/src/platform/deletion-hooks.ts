/**
 * Cross-context deletion rules, registered by the contexts that depend on a subject (so the
 * subject's context imports none of them): a hook may block the deletion (clusters block
 * their environment's) and may cascade inside the deleting transaction (a DELETED cluster's
 * API keys, topics and ACLs go with it).
 */
import { Injectable } from '@nestjs/common';
import type { ClusterId, EnvironmentId, OrgId, ServiceAccountId, Tx } from '@tributary/db';

export interface DeletionSubjects {
  environment: { orgId: OrgId; environmentId: EnvironmentId };
  serviceAccount: { orgId: OrgId; serviceAccountId: ServiceAccountId };
  /** The cluster became DELETED (its pool is gone). */
  cluster: { orgId: OrgId; clusterId: ClusterId };
}
export type DeletionSubject = keyof DeletionSubjects;

export interface DeletionHook<S> {
  /** True while this context still holds something that must go first. */
  blocks?(subject: S, tx: Tx): Promise<boolean>;
  /** Removes what this context keeps for the subject, inside the deleting transaction. */
  cascade?(subject: S, tx: Tx): Promise<void>;
}

@Injectable()
export class DeletionHooks {
  private readonly hooks = new Map<DeletionSubject, DeletionHook<never>[]>();

  register<K extends DeletionSubject>(kind: K, hook: DeletionHook<DeletionSubjects[K]>): void {
    this.hooks.set(kind, [...(this.hooks.get(kind) ?? []), hook as DeletionHook<never>]);
  }

  private of<K extends DeletionSubject>(kind: K): DeletionHook<DeletionSubjects[K]>[] {
    return (this.hooks.get(kind) ?? []) as DeletionHook<DeletionSubjects[K]>[];
  }

  async blocked<K extends DeletionSubject>(
    kind: K,
    subject: DeletionSubjects[K],
    tx: Tx,
  ): Promise<boolean> {
    for (const h of this.of(kind)) if (await h.blocks?.(subject, tx)) return true;
    return false;
  }

  async cascade<K extends DeletionSubject>(
    kind: K,
    subject: DeletionSubjects[K],
    tx: Tx,
  ): Promise<void> {
    for (const h of this.of(kind)) await h.cascade?.(subject, tx);
  }
}
