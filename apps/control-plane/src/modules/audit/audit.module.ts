/**
 * The audit log: who did what to which resource, when, and from where. It records every
 * domain event (subscribed at start-up), so no context calls it; its list is served by the
 * operations controller (GET /v1/audit-events).
 */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../platform/domain-events.js';
import { AuditRepository } from './audit.repository.js';
import { ListAuditEventsUseCase } from './use-cases/list-audit-events/list-audit-events.use-case.js';

@Module({
  providers: [AuditRepository, ListAuditEventsUseCase],
  exports: [ListAuditEventsUseCase],
})
export class AuditModule implements OnModuleInit {
  constructor(
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((e) => this.audit.record(e));
  }
}
