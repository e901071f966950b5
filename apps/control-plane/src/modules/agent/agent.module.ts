/**
 * The agent context: the API the data-plane agent talks to (desired state, observed state,
 * usage), authenticated by agent token. Wakes long-polls through the clusters context's
 * PoolChanges; a DELETED cluster's rows go through the deletion hooks other contexts
 * register.
 */
import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { AgentController } from './agent.controller.js';
import { AgentGuard } from './agent.guard.js';
import { AgentPoolsRepository } from './agent-pools.repository.js';
import { AgentsRepository } from './agents.repository.js';
import { ApplyObservedStateUseCase } from './use-cases/apply-observed-state/apply-observed-state.use-case.js';
import { GetDesiredStateUseCase } from './use-cases/get-desired-state/get-desired-state.use-case.js';
import { RecordUsageUseCase } from './use-cases/record-usage/record-usage.use-case.js';

@Module({
  imports: [ClustersModule],
  controllers: [AgentController],
  providers: [
    AgentsRepository,
    AgentPoolsRepository,
    AgentGuard,
    GetDesiredStateUseCase,
    ApplyObservedStateUseCase,
    RecordUsageUseCase,
  ],
})
export class AgentModule {}
