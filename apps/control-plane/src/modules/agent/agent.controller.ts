/**
 * The agent API (libs/contracts agent-protocol.ts): desired state by long-poll, observed
 * state, usage samples. Authenticated by agent token, not by user credentials. HTTP mapping
 * only: the use cases under use-cases/ do the work.
 */
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Put,
  Post,
  Query,
  Req,
  UseGuards,
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
import type { AgentId } from '@tributary/db';
import { Public } from '../../platform/actor.js';
import { Validate } from '../../platform/validation.js';
import { AgentGuard, CurrentAgent } from './agent.guard.js';
import type { DesiredStateJson } from './desired-state.js';
import { ApplyObservedStateUseCase } from './use-cases/apply-observed-state/apply-observed-state.use-case.js';
import { GetDesiredStateUseCase } from './use-cases/get-desired-state/get-desired-state.use-case.js';
import { RecordUsageUseCase } from './use-cases/record-usage/record-usage.use-case.js';

const desiredQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  wait_ms: z.coerce.number().int().min(0).max(MAX_DESIRED_STATE_WAIT_MS).default(0),
});

@Public()
@ApiExcludeController()
@UseGuards(AgentGuard)
@Controller(AGENT_API_PREFIX.slice(1))
export class AgentController {
  constructor(
    @Inject(GetDesiredStateUseCase) private readonly getDesiredState: GetDesiredStateUseCase,
    @Inject(ApplyObservedStateUseCase) private readonly applyObserved: ApplyObservedStateUseCase,
    @Inject(RecordUsageUseCase) private readonly recordUsage: RecordUsageUseCase,
  ) {}

  @Get('desired-state')
  async desired(
    @CurrentAgent() agentId: AgentId,
    @Req() req: Request,
    @Query(new Validate(desiredQuery, '#query')) q: z.output<typeof desiredQuery>,
  ): Promise<DesiredStateJson> {
    const answer = await this.getDesiredState.execute({
      agentId,
      after: q.after,
      waitMs: q.wait_ms,
      onClientGone: (listener) => req.res?.once('close', listener),
    });
    if (answer.closeConnection) req.res?.setHeader('connection', 'close');
    return answer.desired;
  }

  @Put('observed-state')
  @HttpCode(204)
  async observed(
    @CurrentAgent() agentId: AgentId,
    @Body(new Validate(observedStateSchema)) body: ObservedState,
  ): Promise<void> {
    await this.applyObserved.execute(agentId, body);
  }

  @Post('usage')
  @HttpCode(200)
  usage(
    @CurrentAgent() agentId: AgentId,
    @Body(new Validate(usageReportSchema)) body: UsageReport,
  ): Promise<UsageAck> {
    return this.recordUsage.execute(agentId, body);
  }
}
