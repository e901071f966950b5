/**
 * Stores an agent's usage samples exactly once each (duplicates counted, not stored);
 * refused whole when a sample is for a cluster the agent does not run.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { UsageAck, UsageReport } from '@tributary/contracts';
import type { AgentId } from '@tributary/db';
import { problems } from '../../../../platform/problem.js';
import { AgentPoolsRepository } from '../../agent-pools.repository.js';

@Injectable()
export class RecordUsageUseCase {
  constructor(@Inject(AgentPoolsRepository) private readonly pools: AgentPoolsRepository) {}

  async execute(agentId: AgentId, report: UsageReport): Promise<UsageAck> {
    const accepted = await this.pools.recordUsage(agentId, report.samples);
    if (accepted === null)
      throw problems.validation([
        { pointer: '/samples', detail: 'samples for clusters this agent does not run' },
      ]);
    return { accepted, duplicates: report.samples.length - accepted };
  }
}
