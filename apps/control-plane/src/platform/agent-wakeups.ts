/**
 * Wakes waiting agent long-polls in every API process when an agent's revision moves: a Redis
 * PUBLISH of the agent id on one channel, received by one subscriber connection per API
 * process. Pub/sub is fire-and-forget; a lost message (Redis restarting) costs at most the
 * long-poll's fallback re-read of the revision (agent.controller.ts).
 */
import type { Redis } from 'ioredis';

export const AGENT_REVISION_CHANNEL = 'tributary:agent-revision';

/** After the transaction that moved the revision has committed. Never throws. */
export function publishAgentRevision(redis: Redis, agentId: string): void {
  redis.publish(AGENT_REVISION_CHANNEL, agentId).catch(() => undefined);
}

/** Subscribes on a connection of its own (subscriber mode allows nothing else); returns the stop. */
export async function subscribeAgentRevisions(
  redis: Redis,
  onAgent: (agentId: string) => void,
): Promise<() => Promise<void>> {
  const sub = redis.duplicate();
  sub.on('error', () => undefined); // reconnects by itself and subscribes again
  sub.on('message', (channel: string, agentId: string) => {
    if (channel === AGENT_REVISION_CHANNEL) onAgent(agentId);
  });
  await sub.subscribe(AGENT_REVISION_CHANNEL);
  return async () => {
    await sub.quit().catch(() => sub.disconnect());
  };
}
