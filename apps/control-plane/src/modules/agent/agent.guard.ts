/**
 * Agent-token authentication for the agent API: `Authorization: Bearer <agent token>`
 * resolves to the agent's id, read in handlers with @CurrentAgent().
 */
import {
  Inject,
  Injectable,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import type { AgentId } from '@tributary/db';
import { problems } from '../../platform/problem.js';
import { agentForToken } from './agent-tokens.js';
import { AgentsRepository } from './agents.repository.js';

interface AgentRequest extends Request {
  agentId?: AgentId;
}

@Injectable()
export class AgentGuard implements CanActivate {
  constructor(@Inject(AgentsRepository) private readonly agents: AgentsRepository) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AgentRequest>();
    const m = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
    const agentId = m ? await agentForToken(this.agents, m[1]) : null;
    if (!agentId)
      throw problems.unauthenticated(
        'an agent token is required (Authorization: Bearer <agent token>)',
      );
    req.agentId = agentId;
    return true;
  }
}

export const CurrentAgent = createParamDecorator((_: unknown, ctx: ExecutionContext): AgentId => {
  const agentId = ctx.switchToHttp().getRequest<AgentRequest>().agentId;
  if (!agentId) throw new Error('route without an authenticated agent');
  return agentId;
});
