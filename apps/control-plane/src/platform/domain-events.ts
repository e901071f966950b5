/**
 * What happened, published by use cases after their change is committed; other contexts
 * subscribe at module start-up (the audit log records every event). Publishing awaits the
 * subscribers, so a request returns after its audit event is stored.
 */
import { Injectable } from '@nestjs/common';
import type { OrgId } from '@tributary/db';
import type { Actor } from './actor.js';

export type EventActor =
  Actor | { kind: 'system' | 'agent'; id: string; ip?: string; userAgent?: string };

export interface DomainEvent {
  /** `<resource>.<verb>` (`kafka_cluster.create`): also the audit log's action. */
  action: string;
  actor: EventActor;
  orgId: OrgId | null;
  target: { type: string; id: string };
  details?: Readonly<Record<string, unknown>>;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

@Injectable()
export class DomainEvents {
  private readonly handlers: EventHandler[] = [];

  subscribe(handler: EventHandler): void {
    this.handlers.push(handler);
  }

  async publish(event: DomainEvent): Promise<void> {
    for (const h of this.handlers) await h(event);
  }
}
