/**
 * An agent's desired state, optionally by long-poll: with `after`, waits until the agent's
 * revision is above it (or the wait is over, the client left, the API stops). A change
 * wakes the wait at once (PoolChanges, through Redis from other processes); the revision is
 * re-read every POLL_STEP_MS anyway, the backstop for a lost message.
 */
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { AgentId } from '@tributary/db';
import { Transactions } from '../../../../platform/transactions.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { AgentPoolsRepository } from '../../agent-pools.repository.js';
import { AgentsRepository } from '../../agents.repository.js';
import { composeDesiredState, type DesiredStateJson } from '../../desired-state.js';

/** How often a waiting long-poll re-reads the revision anyway. */
const POLL_STEP_MS = 5_000;

export interface GetDesiredStateQuery {
  agentId: AgentId;
  /** Long-poll: answer once the revision is above this. */
  after?: number;
  waitMs: number;
  /** Registers what to call when the client goes away (checked after each wake-up). */
  onClientGone(listener: () => void): void;
}

export interface DesiredStateAnswer {
  desired: DesiredStateJson;
  /** The API is stopping: the connection should close after this answer. */
  closeConnection: boolean;
}

@Injectable()
export class GetDesiredStateUseCase implements BeforeApplicationShutdown {
  /** Set when the API stops: waiting long-polls answer at once and connections close. */
  private stopping = false;
  private readonly stopWaiters = new Set<() => void>();

  constructor(
    @Inject(AgentsRepository) private readonly agents: AgentsRepository,
    @Inject(AgentPoolsRepository) private readonly pools: AgentPoolsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
  ) {}

  async execute(q: GetDesiredStateQuery): Promise<DesiredStateAnswer> {
    if (q.after !== undefined) await this.waitForRevision(q, q.after);
    const closeConnection = this.stopping;
    const desired = await this.transactions.run(
      async (tx) =>
        composeDesiredState(
          await this.agents.revision(q.agentId, tx),
          await this.pools.desiredRows(q.agentId, tx),
        ),
      { isolationLevel: 'RepeatableRead' },
    );
    return { desired, closeConnection };
  }

  /** Before the HTTP server closes: end the long-polls, which would otherwise hold it open. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    for (const wake of [...this.stopWaiters]) wake();
  }

  /** Resolves when the agent's revision is above `after`, the wait is over, or the client left. */
  private async waitForRevision(q: GetDesiredStateQuery, after: number): Promise<void> {
    const { agentId } = q;
    const deadline = Date.now() + q.waitMs;
    const revision = () => this.agents.revision(agentId);
    if ((await revision()) > after) return;
    let gone = false;
    q.onClientGone(() => (gone = true));
    while (!gone && !this.stopping && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(POLL_STEP_MS, Math.max(0, deadline - Date.now())));
        const waiters = this.stopWaiters;
        function done() {
          clearTimeout(timer);
          changes.off(agentId, done);
          waiters.delete(done);
          resolve();
        }
        const changes = this.changes.events;
        changes.once(agentId, done);
        waiters.add(done);
      });
      if ((await revision()) > after) return;
    }
  }
}
