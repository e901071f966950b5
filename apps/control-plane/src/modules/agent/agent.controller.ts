/**
 * The agent API (libs/contracts agent-protocol.ts): desired state by long-poll, observed
 * state, usage samples. Authenticated by agent token, not by user credentials.
 */
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Put,
  Post,
  Query,
  Req,
  UseGuards,
  type BeforeApplicationShutdown,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import {
  AGENT_API_PREFIX,
  MAX_DESIRED_STATE_WAIT_MS,
  observedStateSchema,
  usageReportSchema,
  type ObservedState,
  type UsageAck,
  type UsageReport,
} from '@tributary/contracts';
import type { Agent, Db } from '@tributary/db';
import { Public } from '../../platform/actor.js';
import { DeletionHooks } from '../../platform/deletion-hooks.js';
import { problems } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { PoolChanges } from '../clusters/pool-changes.js';
import { agentForToken } from './agent-tokens.js';
import { desiredStateFor, type DesiredStateJson } from './desired-state.js';
import { applyObservedState } from './observed-state.js';

interface AgentRequest extends Request {
  agent?: Agent;
}

@Injectable()
export class AgentGuard implements CanActivate {
  constructor(@Inject(DB) private readonly db: Db) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AgentRequest>();
    const m = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
    const agent = m ? await agentForToken(this.db, m[1]) : null;
    if (!agent)
      throw problems.unauthenticated(
        'an agent token is required (Authorization: Bearer <agent token>)',
      );
    req.agent = agent;
    return true;
  }
}

const desiredQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  wait_ms: z.coerce.number().int().min(0).max(MAX_DESIRED_STATE_WAIT_MS).default(0),
});

/**
 * How often a waiting long-poll re-reads the revision anyway: changes wake it at once
 * (PoolChanges, through Redis from other processes); this is the backstop for a lost message.
 */
const POLL_STEP_MS = 5_000;

@Public()
@ApiExcludeController()
@UseGuards(AgentGuard)
@Controller(AGENT_API_PREFIX.slice(1))
export class AgentController implements BeforeApplicationShutdown {
  /** Set when the API stops: waiting long-polls answer at once and connections close. */
  private stopping = false;
  private readonly stopWaiters = new Set<() => void>();

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
  ) {}

  @Get('desired-state')
  async desired(
    @Req() req: AgentRequest,
    @Query(new Validate(desiredQuery, '#query')) q: z.output<typeof desiredQuery>,
  ): Promise<DesiredStateJson> {
    const agentId = req.agent!.id;
    if (q.after !== undefined) await this.waitForRevision(agentId, q.after, q.wait_ms, req);
    if (this.stopping) req.res?.setHeader('connection', 'close');
    return desiredStateFor(this.db, agentId);
  }

  /** Before the HTTP server closes: end the long-polls, which would otherwise hold it open. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    for (const wake of [...this.stopWaiters]) wake();
  }

  @Put('observed-state')
  @HttpCode(204)
  async observed(
    @Req() req: AgentRequest,
    @Body(new Validate(observedStateSchema)) body: ObservedState,
  ): Promise<void> {
    await applyObservedState(this.db, req.agent!.id, body, this.hooks);
  }

  @Post('usage')
  @HttpCode(200)
  async usage(
    @Req() req: AgentRequest,
    @Body(new Validate(usageReportSchema)) body: UsageReport,
  ): Promise<UsageAck> {
    const ids = [...new Set(body.samples.map((s) => s.clusterId))];
    const mine = await this.db.kafkaCluster.count({
      where: { id: { in: ids }, agentId: req.agent!.id },
    });
    if (mine !== ids.length)
      throw problems.validation([
        { pointer: '/samples', detail: 'samples for clusters this agent does not run' },
      ]);
    const r = await this.db.usageSample.createMany({
      data: body.samples.map((s) => ({
        clusterId: s.clusterId,
        brokerId: s.brokerId,
        incarnation: s.incarnation,
        sequence: s.sequence,
        takenAt: new Date(s.takenAt),
        usage: s.usage as object,
      })),
      skipDuplicates: true,
    });
    return { accepted: r.count, duplicates: body.samples.length - r.count };
  }

  /** Resolves when the agent's revision is above `after`, the wait is over, or the client left. */
  private async waitForRevision(
    agentId: string,
    after: number,
    waitMs: number,
    req: Request,
  ): Promise<void> {
    const deadline = Date.now() + waitMs;
    const revision = async () =>
      (
        await this.db.agent.findUniqueOrThrow({
          where: { id: agentId },
          select: { revision: true },
        })
      ).revision;
    if ((await revision()) > after) return;
    let gone = false;
    req.res?.once('close', () => (gone = true));
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
