/**
 * Agents' own rows: the token hash that authenticates one, the local agent seeded at
 * start-up, the revision its long-polls wait on, and when it last reported. Methods about
 * one agent take its `AgentId` first; the token lookup (authentication) and the local-agent
 * seeding are the documented unscoped ones.
 */
import { Inject, Injectable } from '@nestjs/common';
import { asAgentId, newId, type Agent, type AgentId, type Db, type Tx } from '@tributary/db';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

const LOCAL = 'local';

@Injectable()
export class AgentsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  /** The agent holding the token with this SHA-256, if any. */
  async byTokenHash(tokenHash: string): Promise<AgentId | null> {
    const agent = await this.client().agent.findUnique({
      where: { tokenHash },
      select: { id: true },
    });
    return agent ? asAgentId(agent.id) : null;
  }

  local(): Promise<Agent | null> {
    return this.client().agent.findUnique({ where: { name: LOCAL } });
  }

  /** The local agent with this token and region, created if missing. */
  saveLocal(region: string, tokenHash: string): Promise<Agent> {
    return this.client().agent.upsert({
      where: { name: LOCAL },
      create: { id: newId('agent'), name: LOCAL, region, tokenHash },
      update: { tokenHash, region },
    });
  }

  createLocal(region: string, tokenHash: string): Promise<Agent> {
    return this.client().agent.create({
      data: { id: newId('agent'), name: LOCAL, region, tokenHash },
    });
  }

  /** Moves whenever any of the agent's pool specs changes. */
  async revision(agentId: AgentId, tx?: Tx): Promise<number> {
    const agent = await this.client(tx).agent.findUniqueOrThrow({
      where: { id: agentId },
      select: { revision: true },
    });
    return agent.revision;
  }

  async recordSeen(agentId: AgentId, agentVersion: string): Promise<void> {
    await this.client().agent.update({
      where: { id: agentId },
      data: { lastSeenAt: new Date(), agentVersion },
    });
  }
}
