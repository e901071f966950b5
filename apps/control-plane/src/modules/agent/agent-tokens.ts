/**
 * Agent tokens. Agents are rows with a SHA-256 of their token. At start-up the API seeds
 * the local agent (name `local`, region TRIBUTARY_AGENT_REGION):
 *  - with TRIBUTARY_AGENT_TOKEN set, that token (re-seeded if it changed);
 *  - otherwise, if no local agent exists yet, a random token written to
 *    TRIBUTARY_AGENT_TOKEN_FILE (mode 0600; default .data/control-plane/agent-token), which
 *    the local launcher hands to the agent. An existing agent keeps its token.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Agent, AgentId, Db } from '@tributary/db';
import type { ControlPlaneConfig } from '../../config.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { AgentsRepository } from './agents.repository.js';

/** Before the app is built (a repository of its own over the app's database). */
export async function seedLocalAgent(
  db: Db,
  config: ControlPlaneConfig,
  log: (s: string) => void = console.log,
): Promise<Agent> {
  const agents = new AgentsRepository(db);
  if (config.agentToken) return agents.saveLocal(config.agentRegion, sha256(config.agentToken));
  const existing = await agents.local();
  if (existing) return existing;
  const token = randomToken();
  mkdirSync(dirname(config.agentTokenFile), { recursive: true });
  writeFileSync(config.agentTokenFile, `${token}\n`, { mode: 0o600 });
  log(`control plane: agent token for agent "local" written to ${config.agentTokenFile}`);
  return agents.createLocal(config.agentRegion, sha256(token));
}

export function agentForToken(agents: AgentsRepository, token: string): Promise<AgentId | null> {
  return agents.byTokenHash(sha256(token));
}
