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
import { newId, type Agent, type Db } from '@tributary/db';
import type { ControlPlaneConfig } from '../../config.js';
import { randomToken, sha256 } from '../../platform/crypto.js';

export async function seedLocalAgent(
  db: Db,
  config: ControlPlaneConfig,
  log: (s: string) => void = console.log,
): Promise<Agent> {
  const existing = await db.agent.findUnique({ where: { name: 'local' } });
  if (config.agentToken) {
    const tokenHash = sha256(config.agentToken);
    return db.agent.upsert({
      where: { name: 'local' },
      create: { id: newId('agent'), name: 'local', region: config.agentRegion, tokenHash },
      update: { tokenHash, region: config.agentRegion },
    });
  }
  if (existing) return existing;
  const token = randomToken();
  mkdirSync(dirname(config.agentTokenFile), { recursive: true });
  writeFileSync(config.agentTokenFile, `${token}\n`, { mode: 0o600 });
  log(`control plane: agent token for agent "local" written to ${config.agentTokenFile}`);
  return db.agent.create({
    data: {
      id: newId('agent'),
      name: 'local',
      region: config.agentRegion,
      tokenHash: sha256(token),
    },
  });
}

export async function agentForToken(db: Db, token: string): Promise<Agent | null> {
  return db.agent.findUnique({ where: { tokenHash: sha256(token) } });
}
