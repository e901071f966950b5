/**
 * Building blocks of agent tests: API keys derived the way the control plane derives them
 * (the secret stays in the test; the spec carries only the derived material), a pool spec,
 * kcat security settings, and a temp data root with an agent and its control plane that are
 * all stopped afterwards, brokers included.
 */
import { randomBytes } from 'node:crypto';
import type { AclBinding, PoolSpecJson } from '@tributary/contracts';
import { deriveApiKeyCredential, derivedCredentialToJson } from '@tributary/credentials';
import { brokerBuilt, createTempDir, type KcatSecurity, type TempDir } from '@tributary/testing';
import { existsSync } from 'node:fs';
import { AGENT_ENTRY, startAgent, type AgentProcess } from './agent-process.js';
import { killPoolBrokers } from './pool-cleanup.js';
import { TestControlPlane } from './test-control-plane.js';

export interface TestKey {
  id: string;
  secret: string;
  principal: string;
  credential: PoolSpecJson['credentials'][number];
}

export async function makeKey(id: string, principal = `User:sa-${id}`): Promise<TestKey> {
  const secret = randomBytes(24).toString('base64url');
  const derived = derivedCredentialToJson(await deriveApiKeyCredential(secret));
  return { id, secret, principal, credential: { id, principal, derived, expiresAt: null } };
}

export function plain(key: TestKey): KcatSecurity {
  return {
    protocol: 'SASL_PLAINTEXT',
    saslMechanism: 'PLAIN',
    username: key.id,
    password: key.secret,
  };
}

export function allow(
  principal: string,
  resourceType: AclBinding['resourceType'],
  resourceName: string,
  patternType: AclBinding['patternType'] = 'LITERAL',
  operation: AclBinding['operation'] = 'ALL',
): AclBinding {
  return {
    resourceType,
    resourceName,
    patternType,
    principal,
    host: '*',
    operation,
    permissionType: 'ALLOW',
  };
}

export function poolSpec(
  clusterId: string,
  overrides: Partial<PoolSpecJson> = {},
): Omit<PoolSpecJson, 'generation'> {
  return {
    clusterId,
    state: 'RUNNING',
    brokers: 1,
    resources: { cpuMillis: 500, memoryMiB: 256, storageGiB: 1 },
    brokerConfig: {
      'authorizer.enabled': 'true',
      'connection.failed.authentication.delay.ms': '20',
      'group.initial.rebalance.delay.ms': '0',
    },
    limits: {},
    credentials: [],
    acls: [],
    topics: [],
    ...overrides,
  };
}

export interface AgentHarness {
  tmp: TempDir;
  cp: TestControlPlane;
  agent: AgentProcess;
  env: Record<string, string>;
  restartAgent(how: 'stop' | 'kill'): Promise<void>;
  close(): Promise<void>;
}

export const AGENT_TOKEN = 'agent-token-0123456789abcdef';

export async function startHarness(
  ports: string,
  extraEnv: Record<string, string> = {},
): Promise<AgentHarness> {
  if (!brokerBuilt() || !existsSync(AGENT_ENTRY))
    throw new Error('build the broker and the agent first: npm run build');
  const tmp = await createTempDir('agent-test-');
  const cp = await TestControlPlane.start(AGENT_TOKEN);
  const env = {
    TRIBUTARY_CONTROL_PLANE_URL: cp.url,
    TRIBUTARY_AGENT_TOKEN: AGENT_TOKEN,
    TRIBUTARY_AGENT_DATA_ROOT: tmp.path,
    TRIBUTARY_AGENT_PORT_RANGE: ports,
    TRIBUTARY_AGENT_RESYNC_MS: '1000',
    TRIBUTARY_AGENT_USAGE_INTERVAL_MS: '1000',
    ...extraEnv,
  };
  const h: AgentHarness = {
    tmp,
    cp,
    agent: await startAgent(env),
    env,
    async restartAgent(how) {
      await (how === 'stop' ? h.agent.stop() : h.agent.kill());
      h.agent = await startAgent(env);
    },
    async close() {
      await h.agent.kill().catch(() => undefined);
      await cp.down();
      await killPoolBrokers(tmp.path);
      await tmp.remove();
    },
  };
  return h;
}
