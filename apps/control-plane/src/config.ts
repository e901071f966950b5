/**
 * Settings from the environment, checked at start-up (a bad value stops the process with a
 * message naming the variable).
 */
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  TRIBUTARY_COOKIE_SECURE: bool.default(true),
  TRIBUTARY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  TRIBUTARY_AGENT_TOKEN: z.string().min(24).optional(),
  TRIBUTARY_AGENT_TOKEN_FILE: z.string().default('.data/control-plane/agent-token'),
  TRIBUTARY_AGENT_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/)
    .default('local'),
  TRIBUTARY_SESSION_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .default(24 * 7),
  TRIBUTARY_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Tests only: pause inside the provisioning job so a test can kill the worker there. */
  TRIBUTARY_TEST_PROVISION_PAUSE_MS: z.coerce.number().int().min(0).default(0),
});

export interface ControlPlaneConfig {
  databaseUrl: string;
  redisUrl: string;
  port: number;
  host: string;
  cookieSecure: boolean;
  rateLimitPerMinute: number;
  agentToken: string | undefined;
  agentTokenFile: string;
  agentRegion: string;
  sessionTtlMs: number;
  jobLockMs: number;
  testProvisionPauseMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`bad configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    cookieSecure: e.TRIBUTARY_COOKIE_SECURE,
    rateLimitPerMinute: e.TRIBUTARY_RATE_LIMIT_PER_MINUTE,
    agentToken: e.TRIBUTARY_AGENT_TOKEN,
    agentTokenFile: e.TRIBUTARY_AGENT_TOKEN_FILE,
    agentRegion: e.TRIBUTARY_AGENT_REGION,
    sessionTtlMs: e.TRIBUTARY_SESSION_TTL_HOURS * 3_600_000,
    jobLockMs: e.TRIBUTARY_JOB_LOCK_MS,
    testProvisionPauseMs: e.TRIBUTARY_TEST_PROVISION_PAUSE_MS,
  };
}
